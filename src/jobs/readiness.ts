import { LIMITS as HEAD_LIMITS } from "../../adapters";
import { Problem } from "../problem";
import type { SampleCounts } from "../storage/records";

const MINIMUM_CLASSES = 2;

/** Refuses, before a job is queued, to train on data that no head could learn from. */
export function assertTrainable(counts: SampleCounts): void {
  const minimum = {
    minimumClasses: MINIMUM_CLASSES,
    minimumSamplesPerClass: HEAD_LIMITS.minSamplesPerClass,
  };
  if (counts.labels.length < MINIMUM_CLASSES) {
    throw new Problem(
      422,
      "too-few-samples",
      `training needs at least ${MINIMUM_CLASSES} labels; this adapter has ${counts.labels.length}`,
      { ...minimum, labels: counts.labels },
    );
  }
  const short = counts.labels.filter(({ count }) => count < HEAD_LIMITS.minSamplesPerClass);
  if (short.length > 0) {
    const names = short.map(({ label, count }) => `"${label}" (${count})`).join(", ");
    throw new Problem(
      422,
      "too-few-samples",
      `every label needs at least ${HEAD_LIMITS.minSamplesPerClass} samples; short: ${names}`,
      { ...minimum, labels: counts.labels },
    );
  }
}
