/**
 * Width and height read from the file header, so that oversized images are refused before a decoder
 * allocates anything for them.
 */

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

/**
 * JPEG: walk the marker segments (FF xx, then a big-endian length that includes itself) up to the
 * first start-of-frame, whose payload is precision (1 byte), height, width (2 bytes each).
 */
export function jpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.byteLength) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = view.getUint16(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.byteLength) return undefined;
      return {
        marker,
        precision: view.getUint8(offset + 4),
        height: view.getUint16(offset + 5),
        width: view.getUint16(offset + 7),
      };
    }
    offset += 2 + length;
  }
  return undefined;
}
