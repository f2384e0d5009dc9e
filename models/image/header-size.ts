/**
 * Width and height read from the file header, so that oversized images are refused before a decoder
 * allocates anything for them.
 */

import { jpegSegments } from "./jpeg-segments";

export interface Size {
  width: number;
  height: number;
}

/** PNG: the IHDR chunk must come first; width and height are its first two big-endian uint32s. */
export function pngSize(bytes: Uint8Array): Size | undefined {
  if (bytes.byteLength < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** JPEG start-of-frame markers SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** A component's sampling factors: how many 8×8 blocks of it an MCU holds across and down. */
export interface Sampling {
  horizontal: number;
  vertical: number;
}

/**
 * A JPEG's first frame header: its size, start-of-frame marker (0xC0–0xCF), bits per sample and its
 * components' sampling (as many as the segment holds whole).
 */
export interface JpegFrame extends Size {
  marker: number;
  precision: number;
  components: Sampling[];
}

/**
 * JPEG: the first start-of-frame segment, whose payload is precision (1 byte), height, width (2 bytes
 * each), the number of components (1), then 3 bytes per component: id, sampling factors (4 bits
 * each), quantisation table.
 */
export function jpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, start, end } of jpegSegments(bytes)) {
    if (!isStartOfFrame(marker)) continue;
    if (start + 5 > bytes.byteLength) return undefined;
    const last = Math.min(end, bytes.byteLength);
    const count = start + 5 < last ? view.getUint8(start + 5) : 0;
    const components: Sampling[] = [];
    for (let offset = start + 6; components.length < count && offset + 3 <= last; offset += 3) {
      const factors = view.getUint8(offset + 1);
      components.push({ horizontal: factors >> 4, vertical: factors & 0x0f });
    }
    return {
      marker,
      precision: view.getUint8(start),
      height: view.getUint16(start + 1),
      width: view.getUint16(start + 3),
      components,
    };
  }
  return undefined;
}

/**
 * The 8×8 blocks a frame codes: each component's, padded to whole MCUs (the largest sampling factors
 * set an MCU's size; a component holds horizontal × vertical blocks of each).
 */
export function frameBlocks(width: number, height: number, sampling: readonly Sampling[]): number {
  const maxH = Math.max(1, ...sampling.map((s) => s.horizontal));
  const maxV = Math.max(1, ...sampling.map((s) => s.vertical));
  const mcus = Math.ceil(width / (8 * maxH)) * Math.ceil(height / (8 * maxV));
  return sampling.reduce((sum, s) => sum + mcus * s.horizontal * s.vertical, 0);
}
