/**
 * A head version's training report: accuracy, macro-F1, per-class precision/recall/F1 with bars,
 * the confusion matrix (click a cell for its test samples), the reliability diagram with the ECE,
 * the split sizes and the hyperparameters.
 */

import { useEffect, useState } from "preact/hooks";
import type { SplitFractions } from "../../../adapters/types";
import { fetchVersion } from "./api";
import { Bar, ConfusionMatrix, LearningCurve, ReliabilityDiagram } from "./charts";
import { knownSamples, listKnownSamplesOnce } from "./known-samples";
import { reportCurves } from "./plots";
import { SamplePreview } from "./sample-preview";
import type { Adapter, HeadVersion } from "./types";
import { Card, ErrorBox, fixed, percent, useAction } from "./ui";

export function Report({
  adapter,
  versionNumber,
}: {
  adapter: Adapter;
  /** The version to show (a link or a click named it); null: the one that serves. */
  versionNumber: number | null;
}) {
  const action = useAction();
  const [version, setVersion] = useState<HeadVersion | null>(null);
  // Not the newest by default: a training without "activate" or a rollback leaves it inactive.
  const wanted = versionNumber ?? adapter.activeVersion;
  useEffect(() => {
    if (wanted === null) return;
    action.run(async () => {
      const shown = await fetchVersion(adapter.id, wanted);
      // Never an endless "Loading…".
      if (!shown) throw new Error(`this adapter has no version ${wanted}`);
      setVersion(shown);
    });
  }, [adapter.id, wanted]);
  if (version?.version !== wanted) {
    return (
      <Card title="Report">
        <ErrorBox error={action.error} />
        {!action.error && (
          <p role="status">{wanted === null ? "No version yet: train one." : "Loading…"}</p>
        )}
      </Card>
    );
  }
  return <VersionReport adapterId={adapter.id} version={version} />;
}

function VersionReport({ adapterId, version }: { adapterId: string; version: HeadVersion }) {
  const [cell, setCell] = useState<{ trueLabel: string; predicted: string } | null>(null);
  const { evaluation, samples, hyperparameters } = version.report;
  const test = evaluation.metrics;
  const curves = reportCurves(version.report);
  const known = knownSamples(adapterId);
  // A cell's samples are named by hash: the adapter's samples are listed to show them.
  const [, listed] = useState(0);
  useEffect(() => {
    if (cell)
      listKnownSamplesOnce(adapterId).then(
        () => listed((n) => n + 1),
        () => {},
      );
  }, [cell !== null, adapterId]);
  const cellSamples =
    cell &&
    evaluation.perSample.filter(
      (s) => s.label === cell.trueLabel && s.predicted === cell.predicted,
    );
  return (
    <div class="grid2" data-testid="report" data-version={version.version}>
      <Card title={`Version ${version.version} · ${version.headType}`}>
        <dl class="figures">
          <dt>accuracy</dt>
          <dd data-testid="accuracy">{fixed(evaluation.accuracy.value)}</dd>
          <dt>95 % interval</dt>
          <dd>
            {fixed(evaluation.accuracy.low)}–{fixed(evaluation.accuracy.high)}
          </dd>
          <dt>macro-F1</dt>
          <dd data-testid="macro-f1">{fixed(evaluation.macroF1.value)}</dd>
          <dt>95 % interval</dt>
          <dd>
            {fixed(evaluation.macroF1.low)}–{fixed(evaluation.macroF1.high)}
          </dd>
          <dt>held-out samples</dt>
          <dd>{evaluation.samples}</dd>
          <dt>held-out predictions</dt>
          <dd>{evaluation.predictions}</dd>
          <dt>log loss</dt>
          <dd>{fixed(test.logLoss)}</dd>
        </dl>
        <p class="hint" data-testid="metrics-basis">
          {metricsBasis(evaluation.protocol, evaluation.samples)}
        </p>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th>label</th>
                <th>precision</th>
                <th>recall</th>
                <th>F1</th>
                <th>n</th>
              </tr>
            </thead>
            <tbody data-testid="per-class">
              {test.perClass.map((c) => (
                <tr key={c.label}>
                  <td>
                    <span class="label-cell">{c.label}</span>
                  </td>
                  <td>
                    <Bar value={c.precision} />
                  </td>
                  <td>
                    <Bar value={c.recall} />
                  </td>
                  <td>
                    <Bar value={c.f1} />
                  </td>
                  <td>{c.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>Evaluation</h3>
        <p data-testid="split">
          {evaluation.protocol.reason}
          {evaluation.protocol.kind === "holdout" &&
            ` (${splitShares(evaluation.protocol.fractions)})`}
          ; the served head is trained on {servedOn(samples)} ({samples.afterDedup} distinct of{" "}
          {samples.raw}
          {samples.duplicatesRemoved > 0 ? `, ${samples.duplicatesRemoved} duplicates removed` : ""}
          )
        </p>
        {version.report.finetune?.note && (
          <p class="hint" data-testid="finetune-note">
            No top was trained: {version.report.finetune.note}.
          </p>
        )}
        <h3>Hyperparameters</h3>
        <p>
          <code data-testid="hyperparameters">{JSON.stringify(hyperparameters.chosen)}</code>
        </p>
        <p class="hint">{hyperparameters.selection}</p>
        {Object.keys(hyperparameters.fixed ?? {}).length > 0 && (
          <p>
            Fixed by the request:{" "}
            <code data-testid="fixed-hyperparameters">{JSON.stringify(hyperparameters.fixed)}</code>
          </p>
        )}
        <details>
          <summary>Sweep ({hyperparameters.sweep.length} candidates)</summary>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>hyperparameters</th>
                  <th>val. accuracy</th>
                  <th>val. log loss</th>
                  <th>iterations / epochs</th>
                </tr>
              </thead>
              <tbody>
                {hyperparameters.sweep.map((row) => (
                  <tr key={JSON.stringify(row.hyperparameters)}>
                    <td>
                      <code>{JSON.stringify(row.hyperparameters)}</code>
                    </td>
                    <td>{percent(row.validationAccuracy)}</td>
                    <td>{fixed(row.validationLogLoss)}</td>
                    <td>{row.iterations}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
        {curves.length > 0 && (
          <>
            <h3>Learning curve</h3>
            <LearningCurve curves={curves} />
          </>
        )}
      </Card>
      <Card title="Confusion matrix (held-out predictions)">
        <ConfusionMatrix
          labels={test.confusionMatrix.labels}
          matrix={test.confusionMatrix.matrix}
          selected={cell}
          onSelect={(trueLabel, predicted) => setCell({ trueLabel, predicted })}
        />
        {cell && cellSamples && (
          <div data-testid="cell-samples" aria-live="polite">
            <h3>
              true {cell.trueLabel}, predicted {cell.predicted}: {cellSamples.length}
            </h3>
            <ul class="thumbs">
              {cellSamples.map((s) => (
                <li key={s.hash ?? ""}>
                  <SamplePreview
                    adapterId={adapterId}
                    sample={known.get(s.hash)}
                    fallback={`sample ${(s.hash ?? "").slice(0, 10)}…`}
                  />
                  <small>{percent(s.confidence, 0)}</small>
                </li>
              ))}
            </ul>
          </div>
        )}
        <h3>Reliability</h3>
        {test.expectedCalibrationError.reliability ? (
          <ReliabilityDiagram
            bins={test.expectedCalibrationError.reliability}
            ece={test.expectedCalibrationError.value}
          />
        ) : (
          <p>
            ECE {fixed(test.expectedCalibrationError.value)} (this version predates per-bin reports)
          </p>
        )}
        <p class="hint">Temperature {fixed(version.report.calibration.temperature, 2)}</p>
        {version.report.abstain && <AbstainNote abstain={version.report.abstain} />}
      </Card>
    </div>
  );
}

/**
 * What a target precision made of the head: its threshold and the precision and coverage it
 * reached, or, when no threshold reached it, that the head abstains on every input.
 */
export function AbstainNote({
  abstain,
}: {
  abstain: NonNullable<HeadVersion["report"]["abstain"]>;
}) {
  const target = percent(abstain.targetPrecision);
  // A reached threshold always answers some predictions, so its precision is a number.
  if (abstain.threshold === null || abstain.precision === null) {
    return (
      <p class="notice" role="status" data-testid="abstain-note">
        No confidence threshold reached the target precision of {target} on the held-out answers, so
        this version abstains on every input ("unknown"; <code>?abstain=false</code> answers
        anyway). Train again with more samples, a lower target, or none.
      </p>
    );
  }
  const test =
    abstain.test === null
      ? ""
      : abstain.test.precision === null
        ? "; it answered none of the test split"
        : `; on the test split ${percent(abstain.test.precision)} at ${percent(abstain.test.coverage)}`;
  return (
    <p data-testid="abstain-note">
      Target precision {target}: answers "unknown" below a confidence of{" "}
      {percent(abstain.threshold, 2)}, for a precision of {percent(abstain.precision)} at a coverage
      of {percent(abstain.coverage)} on the {abstain.fittedOn} predictions{test}.
    </p>
  );
}

/** "train 60 % / validation 20 % / test 20 %" (33.4 % where a share is not whole). */
function splitShares({ train, validation, test }: SplitFractions) {
  const share = (fraction: number) => `${Number((fraction * 100).toFixed(1))} %`;
  return `train ${share(train)} / validation ${share(validation)} / test ${share(test)}`;
}

/** All the samples, or (a finetune head, which its validation split stops) how many of them. */
function servedOn({ servedHeadTrainedOn, afterDedup }: HeadVersion["report"]["samples"]) {
  return servedHeadTrainedOn < afterDedup
    ? `${servedHeadTrainedOn} of the ${afterDedup} distinct samples`
    : `all ${servedHeadTrainedOn} samples`;
}

/**
 * What the figures rest on. In repeated cross-validation accuracy and macro-F1 are means over the
 * repeats, while the per-class table, the matrix and the calibration show the first repeat alone:
 * said, so that an accuracy under 1 beside a perfect matrix is not a contradiction.
 */
function metricsBasis(protocol: HeadVersion["report"]["evaluation"]["protocol"], samples: number) {
  if (protocol.kind === "holdout") {
    return `Every figure is on the test split's ${samples} samples, which trained nothing.`;
  }
  const cv = `${protocol.folds}-fold cross-validation`;
  if (protocol.repeats === 1) return `Every figure is on ${cv}: each sample predicted once.`;
  return `Accuracy and macro-F1: means over ${protocol.repeats} repeats of ${cv}. Per class, the confusion matrix and the reliability: the first repeat, each of the ${samples} samples predicted once.`;
}
