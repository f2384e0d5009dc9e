import { HeadInputError } from "../errors";
import { characterCount, LIMITS, UNKNOWN_LABEL } from "../limits";
import type { BackboneRef, LabelledEmbedding } from "../types";

/**
 * Checks the shape of the input before any work: rows, dimensions, finiteness and labels. Per-class
 * counts are checked after deduplication (see checkClassCounts), since duplicates do not count.
 */
export function validateSamples(samples: LabelledEmbedding[], backbone: BackboneRef): void {
  if (!Number.isInteger(backbone?.dim) || backbone.dim <= 0) {
    throw new HeadInputError(
      "invalid-options",
      `backbone.dim must be a positive integer, got ${backbone?.dim}`,
    );
  }
  if (!Array.isArray(samples) || samples.length === 0)
    throw new HeadInputError("no-samples", "no samples given");
  if (samples.length > LIMITS.maxSamples) {
    throw new HeadInputError(
      "too-many-samples",
      `${samples.length} samples, the limit is ${LIMITS.maxSamples}`,
    );
  }
  const firstLength = samples[0]?.features?.length;
  samples.forEach((sample, i) => {
    const features = sample?.features;
    if (!(features instanceof Float32Array)) {
      throw new HeadInputError("ragged-rows", `sample ${i}: features must be a Float32Array`);
    }
    if (features.length !== firstLength) {
      throw new HeadInputError(
        "ragged-rows",
        `sample ${i} has ${features.length} features but sample 0 has ${firstLength}`,
      );
    }
    checkLabel(sample.label, i);
  });
  if (firstLength !== backbone.dim) {
    throw new HeadInputError(
      "wrong-dimension",
      `samples have ${firstLength} features, backbone ${backbone.id} gives ${backbone.dim}`,
    );
  }
  samples.forEach(({ features }, i) => {
    for (let j = 0; j < features.length; j++) {
      if (!Number.isFinite(features[j])) {
        throw new HeadInputError(
          "non-finite-feature",
          `sample ${i}, feature ${j} is ${features[j]}`,
        );
      }
    }
  });
}

function checkLabel(label: unknown, i: number): void {
  if (typeof label !== "string" || label.trim() === "") {
    throw new HeadInputError("empty-label", `sample ${i} has an empty or missing label`);
  }
  const characters = characterCount(label);
  if (characters > LIMITS.maxLabelLength) {
    throw new HeadInputError(
      "label-too-long",
      `sample ${i}: label "${label.slice(0, 32)}…" has ${characters} characters, the limit is ${LIMITS.maxLabelLength}`,
    );
  }
  if (label === UNKNOWN_LABEL) {
    throw new HeadInputError(
      "reserved-label",
      `sample ${i}: "${UNKNOWN_LABEL}" is what an abstaining head answers`,
    );
  }
}

/** Class count and per-class minimum, on the deduplicated samples. */
export function checkClassCounts(counts: Map<string, number>): void {
  if (counts.size < 2) {
    const only = [...counts.keys()][0];
    throw new HeadInputError(
      "single-class",
      `all samples have the label "${only}"; a head needs at least 2 classes`,
    );
  }
  if (counts.size > LIMITS.maxClasses) {
    throw new HeadInputError(
      "too-many-classes",
      `${counts.size} classes, the limit is ${LIMITS.maxClasses}`,
    );
  }
  const short = [...counts].filter(([, n]) => n < LIMITS.minSamplesPerClass);
  if (short.length > 0) {
    const names = short.map(([label, n]) => `"${label}" (${n})`).join(", ");
    throw new HeadInputError(
      "too-few-samples",
      `each class needs at least ${LIMITS.minSamplesPerClass} distinct samples (one each for train, validation and test; samples whose embeddings are identical count once); short: ${names}`,
    );
  }
}
