/**
 * A JPEG's (or PNG's) EXIF orientation is applied when it is decoded, as browsers show the photo: a
 * picture of four coloured quadrants, stored with each orientation 1–8 in an APP1 segment (an eXIf
 * chunk) of either byte order, decodes with the quadrants where the tag says they are shown.
 */

import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../../../models/image";
import { jpegOrientation, pngOrientation } from "../../../models/image/exif-orientation";
import { pngChunk } from "../../fixtures/png-chunk";

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const GREEN = [0, 255, 0];
const WHITE = [255, 255, 255];
const WIDTH = 32;
const HEIGHT = 16;

/** Stored pixels: red top left, blue top right, green bottom left, white bottom right. */
function quadrantsJpeg(): Uint8Array {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const top = y < HEIGHT / 2;
      const left = x < WIDTH / 2;
      const colour = top ? (left ? RED : BLUE) : left ? GREEN : WHITE;
      rgba.set([...colour, 255], (y * WIDTH + x) * 4);
    }
  }
  return new Uint8Array(jpeg.encode({ width: WIDTH, height: HEIGHT, data: rgba }, 95).data);
}

/** An APP1 Exif segment whose IFD0 holds only the orientation tag (a SHORT). */
function exifSegment(orientation: number, littleEndian: boolean): Uint8Array {
  const tiff = new DataView(new ArrayBuffer(8 + 2 + 12 + 4));
  tiff.setUint16(0, littleEndian ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, littleEndian);
  tiff.setUint32(4, 8, littleEndian);
  tiff.setUint16(8, 1, littleEndian);
  tiff.setUint16(10, 0x0112, littleEndian);
  tiff.setUint16(12, 3, littleEndian);
  tiff.setUint32(14, 1, littleEndian);
  tiff.setUint16(18, orientation, littleEndian);
  const payload = [...new TextEncoder().encode("Exif"), 0, 0, ...new Uint8Array(tiff.buffer)];
  const length = payload.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...payload]);
}

/** The same quadrants as a PNG with an eXIf chunk (the TIFF structure alone) before its IDAT. */
function pngWithExif(orientation: number, littleEndian: boolean): Uint8Array {
  const rgb = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const top = y < HEIGHT / 2;
      const left = x < WIDTH / 2;
      rgb.set(top ? (left ? RED : BLUE) : left ? GREEN : WHITE, (y * WIDTH + x) * 3);
    }
  }
  const png = encodePng({ width: WIDTH, height: HEIGHT, data: rgb, channels: 3 });
  const tiff = exifSegment(orientation, littleEndian).subarray(4 + 6); // no marker, length, "Exif\0\0"
  const afterHeader = 8 + 25; // signature, IHDR chunk
  return Buffer.concat([
    png.subarray(0, afterHeader),
    pngChunk("eXIf", tiff),
    png.subarray(afterHeader),
  ]);
}

function withExif(jpegBytes: Uint8Array, orientation: number, littleEndian: boolean): Uint8Array {
  const segment = exifSegment(orientation, littleEndian);
  const out = new Uint8Array(jpegBytes.length + segment.length);
  out.set(jpegBytes.subarray(0, 2)); // SOI
  out.set(segment, 2);
  out.set(jpegBytes.subarray(2), 2 + segment.length);
  return out;
}

/** Where each stored quadrant is shown: [top left, top right, bottom left, bottom right]. */
const SHOWN: Record<number, number[][]> = {
  1: [RED, BLUE, GREEN, WHITE],
  2: [BLUE, RED, WHITE, GREEN], // mirrored left–right
  3: [WHITE, GREEN, BLUE, RED], // turned 180°
  4: [GREEN, WHITE, RED, BLUE], // mirrored top–bottom
  5: [RED, GREEN, BLUE, WHITE], // mirrored along the main diagonal
  6: [GREEN, RED, WHITE, BLUE], // turned 90° clockwise
  7: [WHITE, BLUE, GREEN, RED], // mirrored along the other diagonal
  8: [BLUE, WHITE, RED, GREEN], // turned 90° anticlockwise
};

function quadrantColours(image: { width: number; height: number; data: ArrayLike<number> }) {
  const { width, height, data } = image;
  const at = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    return [data[i], data[i + 1], data[i + 2]].map((v) => ((v ?? 0) > 128 ? 255 : 0));
  };
  const [left, right, top, bottom] = [2, width - 3, 2, height - 3];
  return [at(left, top), at(right, top), at(left, bottom), at(right, bottom)];
}

describe("EXIF orientation", () => {
  const stored = quadrantsJpeg();

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("orientation %i shows the quadrants where it says", (tag) => {
    for (const littleEndian of [false, true]) {
      const bytes = withExif(stored, tag, littleEndian);
      expect(jpegOrientation(bytes)).toBe(tag);
      const decoded = decodeImage(bytes);
      const turned = tag >= 5;
      expect([decoded.width, decoded.height]).toEqual(turned ? [HEIGHT, WIDTH] : [WIDTH, HEIGHT]);
      expect(quadrantColours(decoded)).toEqual(SHOWN[tag]);
    }
  });

  it.each([1, 3, 6, 8])("a PNG's eXIf orientation %i is applied too", (tag) => {
    for (const littleEndian of [false, true]) {
      const bytes = pngWithExif(tag, littleEndian);
      expect(pngOrientation(bytes)).toBe(tag);
      expect(quadrantColours(decodeImage(bytes))).toEqual(SHOWN[tag]);
    }
  });

  it("leaves a JPEG without the tag, or with an unreadable one, as stored", () => {
    expect(jpegOrientation(stored)).toBe(1);
    expect(quadrantColours(decodeImage(stored))).toEqual(SHOWN[1]);
    for (const bad of [0, 9, 0xffff]) {
      expect(jpegOrientation(withExif(stored, bad, true))).toBe(1);
    }
    // An Exif segment cut short is not read.
    const cut = withExif(stored, 6, false);
    cut[5] = 12; // the segment's length now ends inside the TIFF header
    expect(jpegOrientation(cut)).toBe(1);
  });
});
