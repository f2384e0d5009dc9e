import { decodeActivationsInto } from "./activation-codec";

/**
 * Where a finetune fit reads the cut activations of its samples from, a few at a time, so it never
 * holds all of them: in the job, rows of the runner's SQLite (synchronous reads); in tests and
 * benchmarks, memory. The fit addresses samples by index and owns nothing else about them.
 */
export interface CutActivationSource {
  /** Floats per sample: positions × channels of the cut feature map. */
  readonly sampleLength: number;
  /** Writes the samples at `indices`, one after another, into `out` (at least indices.length × sampleLength). */
  read(indices: ArrayLike<number>, out: Float64Array): void;
}

/** Samples already in memory, one flat array each (tests, benchmarks, prediction). */
export function memorySource(
  samples: readonly ArrayLike<number>[],
  sampleLength: number,
): CutActivationSource {
  return {
    sampleLength,
    read(indices, out) {
      for (let r = 0; r < indices.length; r++) {
        const sample = samples[indices[r] as number];
        if (!sample || sample.length !== sampleLength) {
          throw new Error(
            `activation source: sample ${indices[r]} missing or not ${sampleLength} long`,
          );
        }
        out.set(sample, r * sampleLength);
      }
    },
  };
}

/** Samples stored encoded (activation-codec.ts), decoded as they are read: the runner's rows, or memory. */
export function encodedSource(
  readEncoded: (indices: ArrayLike<number>) => Uint8Array[],
  positions: number,
  channels: number,
): CutActivationSource {
  const sampleLength = positions * channels;
  return {
    sampleLength,
    read(indices, out) {
      readEncoded(indices).forEach((bytes, row) => {
        decodeActivationsInto(bytes, positions, channels, out, row * sampleLength);
      });
    },
  };
}
