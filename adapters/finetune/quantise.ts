/**
 * The tuned top as it is stored: its kernel quantised, per output channel, to int8 (symmetric, one
 * float32 scale per channel: max |w| / 127) or rounded to float16. Biases and the classifier stay
 * float32. `quantisedTop` gives the model a stored head computes with, to measure the accuracy cost.
 */

import type { TopModel } from "./top-model";

export type TopPrecision = "int8" | "fp16";

export interface Int8Kernel {
  values: Int8Array;
  /** One per output channel (row of the kernel). */
  scales: Float32Array;
}

export function quantiseInt8(kernel: Float64Array, rows: number, cols: number): Int8Kernel {
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(kernel[r * cols + c] as number));
    const scale = Math.fround(max / 127) || 1;
    scales[r] = scale;
    for (let c = 0; c < cols; c++)
      values[r * cols + c] = Math.round((kernel[r * cols + c] as number) / scale);
  }
  return { values, scales };
}

export function dequantiseInt8({ values, scales }: Int8Kernel, cols: number): Float64Array {
  const kernel = new Float64Array(values.length);
  for (let r = 0; r < scales.length; r++) {
    const scale = scales[r] as number;
    for (let c = r * cols; c < (r + 1) * cols; c++) kernel[c] = (values[c] as number) * scale;
  }
  return kernel;
}

/** Nearest float16 value (round half to even on the 10-bit mantissa; weights are far from its range limits). */
export function roundToFloat16(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(value))), -14);
  const step = 2 ** (exponent - 10);
  const scaled = value / step;
  const rounded = Math.abs(scaled % 1) === 0.5 ? 2 * Math.round(scaled / 2) : Math.round(scaled);
  return rounded * step;
}

export function quantisedTop(model: TopModel, precision: TopPrecision): TopModel {
  const { layout } = model;
  const theta = Float64Array.from(model.theta);
  const kernel = theta.subarray(layout.topKernel, layout.topBias);
  if (precision === "int8") {
    kernel.set(
      dequantiseInt8(
        quantiseInt8(kernel, layout.outChannels, layout.inChannels),
        layout.inChannels,
      ),
    );
  } else {
    for (let i = 0; i < kernel.length; i++) kernel[i] = roundToFloat16(kernel[i] as number);
  }
  return { ...model, theta };
}
