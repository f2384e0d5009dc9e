/**
 * "grid-average" pooling of a cut layer's [N, H, W, C] feature map: the mean over 3×3 windows at
 * stride 2, flattened cell by cell into [N, cells·C] (channels innermost, as NHWC stores them). On a
 * 7×7 map that is a 3×3 grid whose neighbouring windows share a row or a column.
 *
 * Why: global average pooling keeps what the map detects but not where. On MobileNetV2's last 7×7
 * map, a coarse where is worth 3–4 points of held-out accuracy on Fashion-MNIST, where a shirt and a
 * pullover differ by where their parts are (bench/results/finetune.md).
 */

export const GRID_WINDOW = 3;
export const GRID_STRIDE = 2;

/** Windows along an axis of `size` positions (each window inside the map: VALID). */
export function gridCells(size: number): number {
  return size < GRID_WINDOW ? 0 : Math.floor((size - GRID_WINDOW) / GRID_STRIDE) + 1;
}

/** The pooled width of an [N, H, W, C] map. */
export function gridPooledDim([, height = 0, width = 0, channels = 0]: readonly number[]): number {
  return gridCells(height) * gridCells(width) * channels;
}

/**
 * Plain-array grid pooling for runtimes that hand back flat NHWC buffers (onnxruntime), summed in
 * double precision like ./vectors.ts's globalAveragePool.
 */
export function gridAveragePool(data: Float32Array, dims: readonly number[]): Float32Array {
  const [count = 0, height = 0, width = 0, channels = 0] = dims;
  if (dims.length !== 4) throw new Error(`grid pooling needs [N,H,W,C], got [${dims}]`);
  const rows = gridCells(height);
  const columns = gridCells(width);
  const pooled = new Float32Array(count * rows * columns * channels);
  const sums = new Float64Array(channels);
  const area = GRID_WINDOW * GRID_WINDOW;
  let out = 0;
  for (let n = 0; n < count; n++) {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        sums.fill(0);
        for (let y = row * GRID_STRIDE; y < row * GRID_STRIDE + GRID_WINDOW; y++) {
          for (let x = column * GRID_STRIDE; x < column * GRID_STRIDE + GRID_WINDOW; x++) {
            const at = ((n * height + y) * width + x) * channels;
            for (let c = 0; c < channels; c++) sums[c] = (sums[c] ?? 0) + (data[at + c] ?? 0);
          }
        }
        for (let c = 0; c < channels; c++) pooled[out++] = (sums[c] ?? 0) / area;
      }
    }
  }
  return pooled;
}
