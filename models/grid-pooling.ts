/**
 * "grid-average" pooling of a cut layer's [N, H, W, C] feature map: the mean over square windows
 * (each inside the map: VALID), flattened cell by cell into [N, cells·C] (channels innermost, as NHWC
 * stores them). The layer's manifest entry names the window and the stride. On a 7×7 map, windows of
 * 3 at stride 2 make a 3×3 grid whose neighbouring cells share a row or a column; windows of 4 at
 * stride 3 make a 2×2 grid sharing the middle row and column (what PyTorch's adaptive average
 * pooling to 3×3 and 2×2 computes there).
 *
 * Why: global average pooling keeps what the map detects but not where. On MobileNetV2's last 7×7
 * map, a coarse where is worth 2–6 points of held-out accuracy on Fashion-MNIST, where a shirt and a
 * pullover differ by where their parts are (bench/results/finetune.md, bench/results/heads.md).
 */

export interface Grid {
  /** Side of each square window, in map positions. */
  window: number;
  /** Step between neighbouring windows. */
  stride: number;
}

/** Windows along an axis of `size` positions. */
export function gridCells(size: number, { window, stride }: Grid): number {
  return size < window ? 0 : Math.floor((size - window) / stride) + 1;
}

/** The pooled width of an [N, H, W, C] map. */
export function gridPooledDim(
  [, height = 0, width = 0, channels = 0]: readonly number[],
  grid: Grid,
): number {
  return gridCells(height, grid) * gridCells(width, grid) * channels;
}

/**
 * Plain-array grid pooling for runtimes that hand back flat NHWC buffers (onnxruntime), summed in
 * double precision like ./vectors.ts's globalAveragePool.
 */
export function gridAveragePool(
  data: Float32Array,
  dims: readonly number[],
  grid: Grid,
): Float32Array {
  const [count = 0, height = 0, width = 0, channels = 0] = dims;
  if (dims.length !== 4) throw new Error(`grid pooling needs [N,H,W,C], got [${dims}]`);
  const { window, stride } = grid;
  const rows = gridCells(height, grid);
  const columns = gridCells(width, grid);
  const pooled = new Float32Array(count * rows * columns * channels);
  const sums = new Float64Array(channels);
  const area = window * window;
  let out = 0;
  for (let n = 0; n < count; n++) {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        sums.fill(0);
        for (let y = row * stride; y < row * stride + window; y++) {
          for (let x = column * stride; x < column * stride + window; x++) {
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
