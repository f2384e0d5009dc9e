import { HeadInputError } from "../errors";
import { HEAD_SPECS } from "../heads/registry";
import { fromRows } from "../linalg/matrix";
import {
  type BackboneRef,
  HEAD_TYPES,
  type HeadType,
  type LabelledEmbedding,
  type TrainedHead,
  type TrainingReport,
  type TrainOptions,
} from "../types";
import { deduplicate } from "./deduplicate";
import { fitHead } from "./fit-head";
import { type ProgressListener, progressReporter } from "./progress";
import { type SplitIndices, stratifiedSplit } from "./stratified-split";
import { protocolOptions } from "./validate-options";
import { checkClassCounts, validateSamples } from "./validate-samples";

export interface TrainHeadInput {
  headType: HeadType;
  backbone: BackboneRef;
  samples: LabelledEmbedding[];
  options?: TrainOptions;
  onProgress?: ProgressListener;
}

/**
 * The whole training protocol, the same for every head type: validate, deduplicate, stratified
 * split, hyperparameter sweep on validation, calibration, refit, and a report on the test split.
 * Throws HeadInputError for bad input. Yields to the event loop between steps.
 */
export async function trainHead(
  input: TrainHeadInput,
): Promise<{ head: TrainedHead; report: TrainingReport }> {
  const started = performance.now();
  const report = progressReporter(input.onProgress);
  const options = input.options ?? {};
  await report("validate", 0, `checking ${input.samples?.length ?? 0} samples`);
  if (!HEAD_TYPES.includes(input.headType)) {
    throw new HeadInputError(
      "invalid-options",
      `headType must be one of ${HEAD_TYPES.join(", ")}, got ${input.headType}`,
    );
  }
  const { seed, fractions, targetPrecision } = protocolOptions(options);
  validateSamples(input.samples, input.backbone);
  const deduplicated = deduplicate(input.samples);
  const counts = new Map<string, number>();
  for (const { label } of deduplicated.samples) counts.set(label, (counts.get(label) ?? 0) + 1);
  checkClassCounts(counts);

  const labels = [...counts.keys()].sort();
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(deduplicated.samples, ({ label }) => classOf.get(label) as number);
  const X = fromRows(
    deduplicated.samples.map((s) => s.features),
    input.backbone.dim,
  );
  await report(
    "split",
    0.05,
    `stratified ${fractions.train}/${fractions.validation}/${fractions.test} split, seed ${seed}`,
  );
  const split = stratifiedSplit(y, labels.length, fractions, seed);

  const fitted = await fitHead({
    spec: HEAD_SPECS[input.headType],
    backbone: input.backbone,
    options,
    targetPrecision,
    X,
    y,
    labels,
    split,
    report,
  });
  const { head, ...results } = fitted;
  const trainingReport: TrainingReport = {
    headType: input.headType,
    backbone: head.backbone,
    seed,
    fractions,
    samples: {
      raw: input.samples.length,
      afterDedup: deduplicated.samples.length,
      duplicatesRemoved: deduplicated.duplicatesRemoved,
      conflictingDuplicates: deduplicated.conflictingDuplicates,
      perSplit: {
        train: split.train.length,
        validation: split.validation.length,
        test: split.test.length,
      },
      perClass: perClassCounts(labels, y, split),
    },
    ...results,
    serializedBytes: head.serialize().length,
    fitTimeMs: performance.now() - started,
  };
  await report("evaluate", 1, `test accuracy ${results.test.accuracy.toFixed(4)}`);
  return { head, report: trainingReport };
}

function perClassCounts(
  labels: string[],
  y: Int32Array,
  split: SplitIndices,
): TrainingReport["samples"]["perClass"] {
  const counts = labels.map(() => ({ train: 0, validation: 0, test: 0 }));
  for (const part of ["train", "validation", "test"] as const) {
    for (const i of split[part]) (counts[y[i] as number] as Record<typeof part, number>)[part]++;
  }
  return Object.fromEntries(
    labels.map((label, k) => [
      label,
      counts[k] as { train: number; validation: number; test: number },
    ]),
  );
}
