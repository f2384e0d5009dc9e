/**
 * One sample's cut activations, stored compactly once when it is embedded: int8 with one float32
 * scale per position (symmetric, max |x| / 127 over that position's channels). Block16's outputs
 * are a linear bottleneck (signed, no ReLU), and their range differs from position to position,
 * so a per-position scale keeps the error near 0.4 % of each position's largest value.
 *
 * Layout: P float32 scales (little-endian), then P·C int8 values, position-major.
 * MobileNetV2 1.4 (7×7×448): 22,148 bytes a sample; 1.0 (7×7×320): 15,876 bytes.
 */

export function encodedActivationBytes(positions: number, channels: number): number {
  return 4 * positions + positions * channels;
}

export function encodeActivations(
  map: ArrayLike<number>,
  positions: number,
  channels: number,
): Uint8Array {
  if (map.length !== positions * channels) {
    throw new Error(`activations: ${map.length} values, expected ${positions}×${channels}`);
  }
  const bytes = new Uint8Array(encodedActivationBytes(positions, channels));
  const scales = new DataView(bytes.buffer);
  const values = new Int8Array(bytes.buffer, 4 * positions);
  for (let p = 0; p < positions; p++) {
    let max = 0;
    for (let c = 0; c < channels; c++)
      max = Math.max(max, Math.abs(map[p * channels + c] as number));
    const scale = Math.fround(max / 127) || 1;
    scales.setFloat32(4 * p, scale, true);
    for (let c = 0; c < channels; c++) {
      values[p * channels + c] = Math.round((map[p * channels + c] as number) / scale);
    }
  }
  return bytes;
}

/** Decodes into `out` at `offset` (a minibatch buffer), so reading a batch allocates nothing per sample. */
export function decodeActivationsInto(
  bytes: Uint8Array,
  positions: number,
  channels: number,
  out: Float64Array,
  offset: number,
): void {
  if (bytes.length !== encodedActivationBytes(positions, channels)) {
    throw new Error(
      `activations: ${bytes.length} bytes, expected ${encodedActivationBytes(positions, channels)}`,
    );
  }
  const scales = new DataView(bytes.buffer, bytes.byteOffset, 4 * positions);
  const values = new Int8Array(
    bytes.buffer,
    bytes.byteOffset + 4 * positions,
    positions * channels,
  );
  for (let p = 0; p < positions; p++) {
    const scale = scales.getFloat32(4 * p, true);
    for (let c = 0; c < channels; c++) {
      out[offset + p * channels + c] = (values[p * channels + c] as number) * scale;
    }
  }
}
