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

/** A JPEG's first frame header: its size, start-of-frame marker (0xC0–0xCF) and bits per sample. */
export interface JpegFrame extends Size {
  marker: number;
  precision: number;
}

/** JPEG: the first start-of-frame segment, whose payload is precision (1 byte), height, width (2 bytes each). */
export function jpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, start } of jpegSegments(bytes)) {
    if (!isStartOfFrame(marker)) continue;
    if (start + 5 > bytes.byteLength) return undefined;
    return {
      marker,
      precision: view.getUint8(start),
      height: view.getUint16(start + 1),
      width: view.getUint16(start + 3),
    };
  }
  return undefined;
}
