import type { Matrix } from "../linalg/matrix";
import { dot } from "../linalg/vector";

/**
 * Leave-one-out accuracy of the nearest-prototype head (CosinePrototypeClassifier): each sample is
 * classified by the cosine to every class prototype, its own class's prototype computed without it.
 *
 * A prototype is the normalised mean of the unit-length members; a cosine ignores the prototype's
 * length, so the sum Sₖ of unit rows serves as well, and leaving xᵢ out of its class c is Sc − x̂ᵢ.
 * That makes the n fits O(n·K·d) in total instead of O(n²·d), with the same predictions. A class
 * whose only member is left out has no prototype and cannot be predicted.
 */
export function prototypeLeaveOneOutAccuracy(X: Matrix, y: Int32Array, classCount: number): number {
  const { rows: n, cols: d } = X;
  const unit = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const norm = Math.sqrt(dot(X.data, i * d, X.data, i * d, d)) || 1;
    for (let j = 0; j < d; j++) unit[i * d + j] = (X.data[i * d + j] as number) / norm;
  }
  const sums = new Float64Array(classCount * d);
  const counts = new Int32Array(classCount);
  for (let i = 0; i < n; i++) {
    const c = y[i] as number;
    counts[c] = (counts[c] as number) + 1;
    for (let j = 0; j < d; j++)
      sums[c * d + j] = (sums[c * d + j] as number) + (unit[i * d + j] as number);
  }
  const sumNormsSquared = Float64Array.from({ length: classCount }, (_, k) =>
    dot(sums, k * d, sums, k * d, d),
  );
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const own = y[i] as number;
    let best = -1;
    let bestCosine = -Infinity;
    for (let k = 0; k < classCount; k++) {
      const projection = dot(unit, i * d, sums, k * d, d);
      let cosine: number;
      if (k === own) {
        if (counts[k] === 1) continue;
        // ‖Sc − x̂ᵢ‖² = ‖Sc‖² − 2 x̂ᵢ·Sc + 1, and x̂ᵢ·(Sc − x̂ᵢ) = x̂ᵢ·Sc − 1.
        const norm = Math.sqrt(Math.max((sumNormsSquared[k] as number) - 2 * projection + 1, 0));
        cosine = norm > 0 ? (projection - 1) / norm : 0;
      } else {
        if (counts[k] === 0) continue;
        const norm = Math.sqrt(sumNormsSquared[k] as number);
        cosine = norm > 0 ? projection / norm : 0;
      }
      if (cosine > bestCosine) {
        bestCosine = cosine;
        best = k;
      }
    }
    if (best === own) correct++;
  }
  return correct / n;
}
