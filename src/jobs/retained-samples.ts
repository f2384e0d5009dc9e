/**
 * An adapter's samples as they were uploaded, read back from R2 so another backbone can embed them.
 * Refused (422) when any of them was not retained: a selection or a switch on part of the data
 * would silently measure or train on something else than the adapter holds.
 */

import { Problem } from "../problem";
import type { LabelledRaw } from "../selection/select-backbone";
import type { RawSampleRef } from "../storage/samples-table";

/** Reads at once: enough to overlap R2 round trips without holding many bodies. */
const PARALLEL_READS = 16;

/** Why the raw uploads are needed, as the refusal says it. */
export const EMBEDDED_AGAIN = {
  byAnotherBackbone: "so they cannot be embedded by another backbone",
  atTheCut:
    "so a finetune training cannot compute their activations at the cut (only samples uploaded while the adapter's head type was finetune have them stored)",
} as const;

/** `samples`: all of the adapter's, so that the counts in the refusal are the adapter's. */
export function assertRetained(
  samples: RawSampleRef[],
  why: string = EMBEDDED_AGAIN.byAnotherBackbone,
): void {
  const missing = samples.filter((sample) => sample.rawKey === null).length;
  if (missing > 0) {
    throw new Problem(
      422,
      "raw-samples-not-retained",
      `${missing} of this adapter's ${samples.length} samples were uploaded while the tenant did not retain raw uploads, ${why}; upload them again with retainRawSamples on`,
      { missing, total: samples.length },
    );
  }
}

export async function readRetainedSamples(
  bucket: R2Bucket,
  samples: RawSampleRef[],
  modality: "image" | "text",
): Promise<LabelledRaw[]> {
  const read: LabelledRaw[] = [];
  for (let start = 0; start < samples.length; start += PARALLEL_READS) {
    const batch = samples.slice(start, start + PARALLEL_READS);
    read.push(...(await Promise.all(batch.map((sample) => readOne(bucket, sample, modality)))));
  }
  return read;
}

async function readOne(
  bucket: R2Bucket,
  sample: RawSampleRef,
  modality: "image" | "text",
): Promise<LabelledRaw> {
  const object = sample.rawKey === null ? null : await bucket.get(sample.rawKey);
  if (!object) {
    throw new Problem(
      422,
      "raw-samples-not-retained",
      sample.rawKey === null
        ? `sample ${sample.hash} was uploaded while the tenant did not retain raw uploads, and it is needed again (embedded by another backbone, or at a finetune head's cut); upload it again with retainRawSamples on`
        : `the raw upload of sample ${sample.hash} is missing from storage`,
    );
  }
  const raw =
    modality === "text"
      ? { kind: "text" as const, text: await object.text() }
      : { kind: "image" as const, bytes: new Uint8Array(await object.arrayBuffer()) };
  return { raw, label: sample.label };
}
