/**
 * Training: start a job (head type, activate), follow it over SSE with a progress bar, and cancel
 * it. A head that trains in epochs (the MLP) reports each sweep candidate's validation loss in its
 * progress: those draw a learning curve per candidate (and per round, in cross-validation); other
 * heads get a curve of progress in time.
 */

import type { Ref } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError, call, fetchVersion, followJob, hasEnded, path, recentJobs } from "./api";
import { LearningCurve, Plot, useChartWidth } from "./charts";
import { useDraft } from "./drafts";
import { type EpochPoint, epochPoint, linear, reportCurves, withEpoch } from "./plots";
import { AbstainNote } from "./report";
import {
  CLASS_WEIGHTED_HEADS,
  NO_CHOICES,
  type PercentField,
  type TrainChoices,
  trainBody,
} from "./train-options";
import type { Adapter, HeadVersion, Job } from "./types";
import { CancelJob, Card, ErrorBox, HeadTypeSelect, JobProgress, useAction } from "./ui";

export function Train({
  adapter,
  headTypes,
  onTrained,
  onShowReport,
}: {
  adapter: Adapter;
  headTypes: string[];
  onTrained: () => Promise<void>;
  onShowReport: (version: number) => void;
}) {
  // Kept in the tab (./drafts.ts), not in this view alone: a reload or a change of tab while a
  // training runs (a server restart, say) would bring the form back to the adapter's default
  // once the training ended.
  const [chosenHeadType, setHeadType] = useDraft(`${adapter.id}:train-head-type`);
  const headType = headTypes.includes(chosenHeadType) ? chosenHeadType : adapter.headType;
  const [activate, setActivate] = useState(true);
  const [choices, setChoices] = useState<TrainChoices>(NO_CHOICES);
  const [invalid, setInvalid] = useState<PercentField | null>(null);
  const options = useRef<HTMLDetailsElement>(null);
  const trainButton = useRef<HTMLButtonElement>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [curve, setCurve] = useState<[number, number][]>([]);
  const [epochs, setEpochs] = useState<EpochPoint[][]>([]);
  const [unreachable, setUnreachable] = useState(0);
  const action = useAction();
  const started = useRef(0);
  const following = useRef<AbortController | null>(null);
  const [trained, setTrained] = useState<HeadVersion | null>(null);
  const running = job && !hasEnded(job);
  // While a training runs, the form says what it asked (started elsewhere, maybe: the API's
  // defaults, and a first version is always activated); after it, what this form will ask.
  const shownHeadType = running ? (job.request.headType ?? adapter.headType) : headType;
  const shownActivate = running
    ? job.request.activate === true || adapter.activeVersion === null
    : activate;
  /** Shows a job, following it until it ends; then the trained version's full learning curve. */
  const show = async (shown: Job) => {
    setJob(shown);
    started.current = performance.now();
    setCurve([[0, shown.progress.fraction]]);
    setEpochs([]);
    setTrained(null);
    const followed = !hasEnded(shown);
    const ended = !followed
      ? shown
      : await followJob(shown.id, {
          update: (state) => {
            setJob(state);
            setEpochs((curves) => withEpoch(curves, epochPoint(state.progress.message)));
            setCurve((points) => [
              ...points,
              [(performance.now() - started.current) / 1000, state.progress.fraction],
            ]);
          },
          unreachable: setUnreachable,
          signal: following.current?.signal,
        });
    setJob(ended);
    if (ended.status !== "succeeded") return;
    if (followed) await onTrained();
    // The report keeps every epoch; the events may have skipped some (they sample the job).
    const version = ended.version === null ? null : await fetchVersion(adapter.id, ended.version);
    setTrained(version);
    const kept = version ? reportCurves(version.report) : [];
    if (kept.length > 0) setEpochs(kept);
  };
  // The adapter's last training, followed again if it still runs (after a reload or a change of
  // tab); following stops when the tab closes, the job runs on.
  useEffect(() => {
    const controller = new AbortController();
    following.current = controller;
    action.run(async () => {
      const last = (await recentJobs(adapter.id)).find((j) => j.kind === "training");
      if (last && !controller.signal.aborted) await show(last);
    });
    return () => controller.abort();
  }, [adapter.id]);
  const start = () =>
    action.run(async () => {
      const request = trainBody(headType, activate, choices);
      if ("problem" in request) {
        setInvalid(request.field);
        // The options fold open on the field to correct, which has the focus.
        const field = options.current?.querySelector<HTMLInputElement>(
          `input[data-field="${request.field}"]`,
        );
        if (options.current) options.current.open = true;
        field?.focus();
        throw new Error(request.problem);
      }
      setInvalid(null);
      let started: Job;
      try {
        started = await call<Job>("POST", `/v1/adapters/${path(adapter.id)}/train`, {
          json: request.body,
        });
      } catch (error) {
        // A training started elsewhere (another tab, the API) runs: the API's 409 says so, and
        // that training is followed in its place.
        const live = error instanceof ApiError && error.status === 409 && (await liveTraining());
        if (!live) throw error;
        action.setError(error);
        started = live;
      }
      await show(started);
      // The API's 409 named a training that has ended now.
      action.setError(null);
    });
  const liveTraining = async () =>
    (await recentJobs(adapter.id)).find((j) => j.kind === "training" && !hasEnded(j));
  return (
    <Card title="Train">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // Train is aria-disabled, not disabled, while busy: a submit then does nothing.
          if (!action.busy) start();
        }}
      >
        <div class="row">
          <HeadTypeSelect
            name="train-head-type"
            value={shownHeadType}
            headTypes={headTypes}
            disabled={Boolean(running)}
            onChange={setHeadType}
          />
          <label class="inline">
            <input
              type="checkbox"
              checked={shownActivate}
              disabled={Boolean(running)}
              onChange={(e) => setActivate(e.currentTarget.checked)}
            />
            make the new version active
          </label>
          <button type="submit" ref={trainButton} aria-disabled={action.busy}>
            Train
          </button>
          {running && (
            <CancelJob
              job={job}
              restart={trainButton}
              onCancelled={setJob}
              onError={action.setError}
            />
          )}
        </div>
        <TrainOptions
          headType={headType}
          choices={choices}
          invalid={invalid}
          detailsRef={options}
          onChange={(next) => {
            // A field corrected is no longer marked, nor is its error shown.
            if (invalid !== null && next[invalid] !== choices[invalid]) {
              setInvalid(null);
              action.setError(null);
            }
            setChoices(next);
          }}
        />
      </form>
      <ErrorBox error={action.error} />
      {job && <JobProgress job={job} unreachableFor={unreachable} />}
      {job?.status === "succeeded" && job.version !== null && (
        <button type="button" onClick={() => onShowReport(job.version as number)}>
          Show the report of version {job.version}
        </button>
      )}
      {trained?.report.abstain?.threshold === null && (
        <AbstainNote abstain={trained.report.abstain} />
      )}
      {epochs.length > 0 ? (
        <LearningCurve curves={epochs} />
      ) : (
        curve.length > 1 && <ProgressCurve points={curve} />
      )}
    </Card>
  );
}

/** The percent fields of the options, and what a blank one means. */
const PERCENT_FIELDS = [
  { key: "testPercent", label: "Test share (%)", name: "train-test-percent", blank: "auto" },
  {
    key: "validationPercent",
    label: "Validation share (%)",
    name: "train-validation-percent",
    blank: "auto",
  },
  {
    key: "precisionPercent",
    label: "Target precision (%)",
    name: "train-target-precision",
    blank: "none",
  },
] as const;

/** The training's options, folded away: blank fields leave the API's defaults. */
function TrainOptions({
  headType,
  choices,
  invalid,
  detailsRef,
  onChange,
}: {
  headType: string;
  choices: TrainChoices;
  /** The field the last Train refused, marked so. */
  invalid: PercentField | null;
  detailsRef: Ref<HTMLDetailsElement>;
  onChange: (choices: TrainChoices) => void;
}) {
  const hint = useId();
  return (
    <details class="train-options" ref={detailsRef}>
      <summary>Options</summary>
      <p class="hint" id={hint}>
        Blank shares: the report cross-validates below 2,000 samples or 50 in the smallest label,
        else tests on 20 %; the served head is fitted on every sample either way. With a target
        precision, the head abstains when no label is confident enough to reach it.
        {headType === "finetune" &&
          " A finetuned top is tried when validation holds 10 samples per label (at 20 %, 50 per label)."}
      </p>
      <div class="row">
        {PERCENT_FIELDS.map(({ key, label, name, blank }) => (
          <label key={key}>
            {label}
            {/* Text, not number: a browser would turn a typo into "" and train on the defaults. */}
            <input
              name={name}
              data-field={key}
              type="text"
              inputMode="decimal"
              autocomplete="off"
              placeholder={blank}
              aria-describedby={hint}
              aria-invalid={invalid === key}
              value={choices[key]}
              onInput={(e) => onChange({ ...choices, [key]: e.currentTarget.value })}
            />
          </label>
        ))}
        {CLASS_WEIGHTED_HEADS.has(headType) && (
          <label class="inline">
            <input
              type="checkbox"
              name="train-balanced"
              checked={choices.balanced}
              onChange={(e) => onChange({ ...choices, balanced: e.currentTarget.checked })}
            />
            weigh labels by their rarity
          </label>
        )}
      </div>
    </details>
  );
}

function ProgressCurve({ points }: { points: [number, number][] }) {
  const { box, width } = useChartWidth(540);
  const right = width - 10;
  const end = Math.max(1, ...points.map(([t]) => t));
  // Room on the left for "100%".
  const x = linear(0, end, 40, right);
  const y = linear(0, 1, 110, 10);
  return (
    <Plot box={box} width={width} height={130} label="training progress over time">
      <polyline class="front" points={points.map(([t, f]) => `${x(t)},${y(f)}`).join(" ")} />
      <line x1={40} y1={110} x2={right} y2={110} class="axis-line" />
      <text x={40} y={126}>
        0 s
      </text>
      <text x={right} y={126} text-anchor="end">
        {end.toFixed(1)} s
      </text>
      <text x={36} y={14} text-anchor="end">
        100%
      </text>
    </Plot>
  );
}
