/**
 * An image's EXIF orientation (a JPEG's APP1 segment, a PNG's eXIf chunk), applied to its decoded
 * pixels. Cameras and phones store a portrait photo as landscape pixels plus this tag, and browsers
 * (the console's thumbnails among them) show it turned; the backbone should see the picture the way
 * its owner does, not lying on its side.
 */

import { jpegSegments, START_OF_SCAN } from "./jpeg-segments";
import type { RgbImage } from "./rgb-image";

/** EXIF tag 0x0112: 1 as stored, 2–8 mirrored and/or turned (TIFF 6.0's numbering). */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const APP1 = 0xe1;
const EXIF_HEADER = 0x45786966; // "Exif", then two zero bytes
const TIFF_MAGIC = 42;
const ORIENTATION_TAG = 0x0112;
const IFD_ENTRY_BYTES = 12;

/** The orientation from the first APP1 Exif segment before the scan; 1 when absent or unreadable. */
export function jpegOrientation(bytes: Uint8Array): Orientation {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, start, end } of jpegSegments(bytes)) {
    if (marker === START_OF_SCAN) return 1;
    if (marker !== APP1) continue;
    const orientation = exifOrientation(view, start, Math.min(end, view.byteLength));
    if (orientation !== undefined) return orientation;
  }
  return 1;
}

const PNG_SIGNATURE_BYTES = 8;
const PNG_EXIF = 0x65584966; // "eXIf"
const PNG_IMAGE_DATA = 0x49444154; // "IDAT"

/** The orientation from a PNG's eXIf chunk (PNG 1.5 extensions), which comes before the image data. */
export function pngOrientation(bytes: Uint8Array): Orientation {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = PNG_SIGNATURE_BYTES; offset + 8 <= bytes.byteLength; ) {
    const length = view.getUint32(offset);
    const type = view.getUint32(offset + 4);
    if (type === PNG_IMAGE_DATA) return 1;
    const end = Math.min(offset + 8 + length, view.byteLength);
    if (type === PNG_EXIF) return tiffOrientation(view, offset + 8, end) ?? 1;
    offset = end + 4; // past the CRC
  }
  return 1;
}

/** Reads tag 0x0112 of IFD0 from an APP1 payload in [start, end), if it is a well-formed Exif one. */
function exifOrientation(view: DataView, start: number, end: number): Orientation | undefined {
  if (
    start + 14 > end ||
    view.getUint32(start) !== EXIF_HEADER ||
    view.getUint16(start + 4) !== 0
  ) {
    return undefined;
  }
  return tiffOrientation(view, start + 6, end);
}

/** Tag 0x0112 of IFD0 of the TIFF structure at `tiff` (Exif's payload), within `end`. */
function tiffOrientation(view: DataView, tiff: number, end: number): Orientation | undefined {
  if (tiff + 8 > end) return undefined;
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  if (view.getUint16(tiff + 2, little) !== TIFF_MAGIC) return undefined;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return undefined;
  const entries = view.getUint16(ifd, little);
  for (let index = 0; index < entries; index++) {
    const entry = ifd + 2 + index * IFD_ENTRY_BYTES;
    if (entry + IFD_ENTRY_BYTES > end) return undefined;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    // A SHORT whose value sits in the first two bytes of the entry's value field.
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? (value as Orientation) : undefined;
  }
  return undefined;
}

/**
 * The pixels as the orientation says to show them: a new image (width and height swapped for 5–8),
 * or the same one for 1.
 */
export function applyOrientation(image: RgbImage, orientation: Orientation): RgbImage {
  if (orientation === 1) return image;
  const { width, height, data } = image;
  const turned = orientation >= 5;
  const outWidth = turned ? height : width;
  const outHeight = turned ? width : height;
  const source = sourceOf(orientation, width, height);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const from = source(x, y) * 3;
      const to = (y * outWidth + x) * 3;
      out[to] = data[from] ?? 0;
      out[to + 1] = data[from + 1] ?? 0;
      out[to + 2] = data[from + 2] ?? 0;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** The stored pixel (its index) shown at (x, y) of the oriented picture. */
function sourceOf(
  orientation: Exclude<Orientation, 1>,
  width: number,
  height: number,
): (x: number, y: number) => number {
  const at = (sx: number, sy: number) => sy * width + sx;
  switch (orientation) {
    case 2: // mirrored left–right
      return (x, y) => at(width - 1 - x, y);
    case 3: // turned 180°
      return (x, y) => at(width - 1 - x, height - 1 - y);
    case 4: // mirrored top–bottom
      return (x, y) => at(x, height - 1 - y);
    case 5: // mirrored along the main diagonal
      return (x, y) => at(y, x);
    case 6: // stored turned 90° anticlockwise: shown turned 90° clockwise
      return (x, y) => at(y, height - 1 - x);
    case 7: // mirrored along the other diagonal
      return (x, y) => at(width - 1 - y, height - 1 - x);
    case 8: // stored turned 90° clockwise: shown turned 90° anticlockwise
      return (x, y) => at(width - 1 - y, x);
  }
}
