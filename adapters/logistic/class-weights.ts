import { classSupport } from "../protocol/class-indices";

export type ClassWeight = "balanced" | null | readonly number[];

/**
 * Per-sample weights from class weights. "balanced" is scikit-learn's n / (K * n_c), so every class
 * carries the same total weight however imbalanced the data; an array gives the weight of each class.
 */
export function sampleWeightsFor(
  y: Int32Array,
  classCount: number,
  classWeight: ClassWeight,
): Float64Array {
  const perClass = classWeightsFor(y, classCount, classWeight);
  return Float64Array.from(y, (label) => perClass[label] as number);
}

function classWeightsFor(
  y: Int32Array,
  classCount: number,
  classWeight: ClassWeight,
): Float64Array {
  if (classWeight === null) return new Float64Array(classCount).fill(1);
  if (classWeight !== "balanced") {
    if (classWeight.length !== classCount) {
      throw new Error(`class weights: expected ${classCount} weights, got ${classWeight.length}`);
    }
    return Float64Array.from(classWeight);
  }
  return classSupport(y, classCount).map((count) =>
    count > 0 ? y.length / (classCount * count) : 0,
  );
}
