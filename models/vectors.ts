/**
 * Plain-array versions of the tfjs ops in graph-model.ts, for runtimes that hand back flat output
 * buffers (onnxruntime): a cut layer's pooling and row-wise L2 normalisation.
 */

import { gridAveragePool } from "./grid-pooling";
import type { LayerPooling } from "./manifest";

/** The layer's pooling (as graph-model.ts's poolLayerOutput) of a flat output of shape `dims`. */
export function poolLayerRows(
  data: Float32Array,
  dims: readonly number[],
  layer: LayerPooling,
): Float32Array {
  switch (layer.pooling) {
    case "global-average":
      return globalAveragePool(data, dims);
    case "grid-average":
      return gridAveragePool(data, dims, layer.grid);
    case "none":
      return data;
  }
}

/**
 * [N, H, W, C] → [N, C]: each channel's mean over the H·W positions, summed in double precision
 * (tfjs's float32 mean differs from it by float32 rounding only).
 */
export function globalAveragePool(data: Float32Array, dims: readonly number[]): Float32Array {
  const [count = 0, height = 0, width = 0, channels = 0] = dims;
  if (dims.length !== 4) throw new Error(`global average pooling needs [N,H,W,C], got [${dims}]`);
  const positions = height * width;
  const pooled = new Float32Array(count * channels);
  const sums = new Float64Array(channels);
  for (let n = 0; n < count; n++) {
    sums.fill(0);
    const base = n * positions * channels;
    for (let p = 0; p < positions; p++) {
      for (let c = 0; c < channels; c++)
        sums[c] = (sums[c] ?? 0) + (data[base + p * channels + c] ?? 0);
    }
    for (let c = 0; c < channels; c++) pooled[n * channels + c] = (sums[c] ?? 0) / positions;
  }
  return pooled;
}

/**
 * Splits [N, dim] into N rows x / max(‖x‖₂, ε) (ε = 1e-12, as in graph-model.ts's l2Normalize): unit
 * vectors, and an all-zero row stays zero instead of NaN.
 */
export function l2NormalizedRows(flat: Float32Array, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let start = 0; start < flat.length; start += dim) {
    const row = flat.slice(start, start + dim);
    const norm = Math.max(Math.hypot(...row), 1e-12);
    for (let i = 0; i < dim; i++) row[i] = (row[i] ?? 0) / norm;
    rows.push(row);
  }
  return rows;
}
