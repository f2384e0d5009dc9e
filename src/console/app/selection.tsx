/**
 * Backbone selection: run it with progress, the ranked candidates, the Pareto plot; apply the
 * recommendation, or switch to another measured candidate.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { call, followJob, hasEnded, path, recentJobs } from "./api";
import { ParetoPlot } from "./charts";
import { isCurrentBinding } from "./recommendation";
import type { Adapter, Candidate, Job, SelectionReport } from "./types";
import { CancelJob, Card, ErrorBox, fixed, JobProgress, useAction } from "./ui";

export function Selection({
  adapter,
  modality,
  onSwitched,
}: {
  adapter: Adapter;
  modality: "image" | "text";
  onSwitched: () => Promise<void>;
}) {
  const [folds, setFolds] = useState(3);
  const [includeFinetune, setIncludeFinetune] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [switchJob, setSwitchJob] = useState<Job | null>(null);
  // Busy from the first render: the effect below loads the adapter's last selection after the page
  // is drawn, and a Run pressed before that would be ignored, or start a second selection.
  const action = useAction(true);
  const following = useRef<AbortController | null>(null);
  // What a Cancel gives the focus to: the button that started the job (Run selection, Apply, a
  // Switch). They are aria-disabled rather than disabled while busy, so that they can take it then.
  const runButton = useRef<HTMLButtonElement>(null);
  const switchButton = useRef<HTMLElement | null>(null);
  const signal = () => following.current?.signal;
  // One job of an adapter runs at a time: the selection's or the switch's.
  const [unreachable, setUnreachable] = useState(0);
  const adapterPath = `/v1/adapters/${path(adapter.id)}`;
  const showSelection = async (shown: Job) => {
    setJob(shown);
    if (hasEnded(shown)) return;
    setJob(
      await followJob(shown.id, { update: setJob, unreachable: setUnreachable, signal: signal() }),
    );
  };
  const showSwitch = async (shown: Job) => {
    setSwitchJob(shown);
    if (hasEnded(shown)) return;
    const ended = await followJob(shown.id, {
      update: setSwitchJob,
      unreachable: setUnreachable,
      signal: signal(),
    });
    setSwitchJob(ended);
    if (ended.status === "succeeded") await onSwitched();
  };
  // The adapter's last selection (and the switch applied after it), followed again if it still
  // runs: a change of tab or a reload does not lose a ranking that took minutes.
  useEffect(() => {
    const controller = new AbortController();
    following.current = controller;
    action.run(async () => {
      const jobs = await recentJobs(adapter.id);
      const selection = jobs.findIndex((j) => j.kind === "selection");
      const applied = jobs.findIndex((j) => j.kind === "switch");
      if (controller.signal.aborted) return;
      await Promise.all([
        selection >= 0 && showSelection(jobs[selection] as Job),
        applied >= 0 && (selection < 0 || applied < selection) && showSwitch(jobs[applied] as Job),
      ]);
    });
    return () => controller.abort();
  }, [adapter.id]);
  const run = () =>
    action.run(async () => {
      setSwitchJob(null);
      await showSelection(
        await call<Job>("POST", `${adapterPath}/select`, {
          json: { folds, includeFinetune: modality === "image" && includeFinetune },
        }),
      );
    });
  /** Switches to the selection's recommendation, or to a candidate the tenant prefers. */
  const apply = (
    request: { jobId: string } | { backbone: string; layer?: string },
    button: HTMLElement,
  ) => {
    if (action.busy) return;
    switchButton.current = button;
    action.run(async () =>
      showSwitch(await call<Job>("POST", `${adapterPath}/select/apply`, { json: request })),
    );
  };
  const report = job?.report;
  const running = [job, switchJob].find((j) => j !== null && !hasEnded(j)) ?? null;
  const isCurrent = (c: Candidate) => isCurrentBinding(c, adapter);
  return (
    <Card title="Backbone selection">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!action.busy) run();
        }}
      >
        <label>
          Folds
          <input
            type="number"
            name="folds"
            min={3}
            max={10}
            value={folds}
            onInput={(e) => setFolds(Number(e.currentTarget.value))}
          />
        </label>
        {/* Only image backbones have a top to unfreeze: for text the API refuses it (422). */}
        {modality === "image" && (
          <label>
            <input
              type="checkbox"
              name="includeFinetune"
              checked={includeFinetune}
              onChange={(e) => setIncludeFinetune(e.currentTarget.checked)}
              aria-describedby="finetune-cost"
            />
            frozen vs top unfrozen{" "}
            <span id="finetune-cost" class="hint">
              (also trains the leading backbone's top on every fold: minutes, not seconds)
            </span>
          </label>
        )}
        <button type="submit" ref={runButton} aria-disabled={action.busy}>
          Run selection
        </button>
        {running && (
          <CancelJob
            job={running}
            // A switch followed again after a reload has no button known to have started it.
            restart={running.kind === "switch" && switchButton.current ? switchButton : runButton}
            onCancelled={running.kind === "switch" ? setSwitchJob : setJob}
            onError={action.setError}
          />
        )}
      </form>
      <ErrorBox error={action.error} />
      {job && <JobProgress job={job} unreachableFor={unreachable} />}
      {report && (
        <div data-testid="selection-report">
          <p class="hint">{report.rule}</p>
          <div class="table-scroll">
            <table class="actions-last">
              <thead>
                <tr>
                  <th>rank</th>
                  <th>candidate</th>
                  <th>macro-F1 (CV)</th>
                  <th>latency ms/item</th>
                  <th>status</th>
                  <th>
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...report.candidates]
                  .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9))
                  .map((c) => (
                    <tr key={c.id} class={c.id === report.recommendation?.id ? "active" : ""}>
                      <td>{c.rank ?? "—"}</td>
                      <td>
                        {c.id}
                        {c.nearTie && <span class="tag">near tie</span>}
                        {c.paretoOptimal && <span class="tag">Pareto</span>}
                      </td>
                      <td>{c.metrics ? fixed(c.metrics.crossValidatedMacroF1.mean) : "—"}</td>
                      <td>{c.metrics ? fixed(c.metrics.latencyMsPerItem, 2) : "—"}</td>
                      <td>
                        {c.status}
                        {c.error ? `: ${c.error}` : ""}
                        {c.status === "unavailable" ? `: ${c.availability.reasons.join("; ")}` : ""}
                      </td>
                      <td>
                        {c.status === "measured" && !isCurrent(c) && (
                          <button
                            type="button"
                            class="small"
                            aria-disabled={action.busy}
                            aria-label={`switch to ${c.id}`}
                            onClick={(event) => apply(switchRequest(c), event.currentTarget)}
                          >
                            Switch
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <ParetoPlot candidates={report.candidates} />
          <p class="hint">
            Ringed: near ties with the best. The line joins the Pareto front. The numbers are the
            ranks in the table, where there is room for them.
          </p>
          {report.notes.map((note) => (
            <p key={note} class="hint">
              {note}
            </p>
          ))}
          {report.finetune && <FinetuneComparison finetune={report.finetune} />}
          {report.recommendation && job && (
            <p>
              Recommended: <strong data-testid="recommendation">{report.recommendation.id}</strong>{" "}
              — {sentence(report.recommendation.reason)}{" "}
              {isCurrentBinding(report.recommendation, adapter) ? (
                <span class="hint" data-testid="recommendation-current">
                  The adapter is on it already: nothing to apply.
                </span>
              ) : (
                <button
                  type="button"
                  aria-disabled={action.busy}
                  onClick={(event) => apply({ jobId: job.id }, event.currentTarget)}
                >
                  Apply
                </button>
              )}
            </p>
          )}
        </div>
      )}
      {switchJob && (
        <div data-testid="switch-job">
          <h3>Switching</h3>
          <JobProgress job={switchJob} unreachableFor={unreachable} />
        </div>
      )}
    </Card>
  );
}

/** The switch to a candidate: a fusion's backbone id names its layers, a plain one takes its layer. */
function switchRequest(candidate: Candidate): { backbone: string; layer?: string } {
  return candidate.backbone.includes("+")
    ? { backbone: candidate.backbone }
    : { backbone: candidate.backbone, layer: candidate.layer };
}

/** Frozen against top unfrozen on the leading backbone with a trainable top, and which head to train. */
function FinetuneComparison({ finetune }: { finetune: NonNullable<SelectionReport["finetune"]> }) {
  const { comparison } = finetune;
  if (!comparison) {
    return (
      <p class="hint" data-testid="finetune-comparison">
        Top unfrozen {finetune.status}
        {finetune.error ? `: ${finetune.error}` : ""}
      </p>
    );
  }
  const [frozen, top] = comparison.variants;
  return (
    <p data-testid="finetune-comparison">
      {finetune.candidate}: frozen {fixed(frozen?.crossValidatedMacroF1.mean ?? 0)}, top unfrozen{" "}
      {fixed(top?.crossValidatedMacroF1.mean ?? 0)} (macro-F1, same folds). Recommended:{" "}
      <strong>{comparison.recommendation.variant}</strong> — {comparison.recommendation.reason}
    </p>
  );
}

/** The API's reason as a sentence, so that what follows it starts a new one. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
