import { encode as encodePng, type ImageData as PngImage } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { checkImageHeader, DEFAULT_LIMITS, decodeImage, MAX_SIDE } from "../../../models/image";
import { imageError } from "../../fixtures/image-error";
import { pngChunk } from "../../fixtures/png-chunk";

/** A 4×2 RGB test card: red, green, blue, white / black, grey, yellow, cyan. */
const CARD = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 255],
  [0, 0, 0],
  [128, 128, 128],
  [255, 255, 0],
  [0, 255, 255],
];
const CARD_RGB = Uint8Array.from(CARD.flat());

function png(image: Partial<PngImage> & Pick<PngImage, "data">): Uint8Array {
  return encodePng({ width: 4, height: 2, ...image });
}

/** A smooth 64×48 picture; JPEG keeps smooth content within a few levels. */
function smoothJpeg(quality = 95): { bytes: Uint8Array; rgba: Uint8Array } {
  const width = 64;
  const height = 48;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgba.set([x * 4, y * 5, 128, 255], (y * width + x) * 4);
    }
  }
  const encoded = jpeg.encode({ width, height, data: rgba }, quality);
  return { bytes: new Uint8Array(encoded.data), rgba };
}

/** The PNG without its chunks of one type (they are self-contained: length, type, data, CRC). */
function withoutChunk(bytes: Uint8Array, type: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  for (let offset = 8; offset < bytes.length; ) {
    const end = offset + 12 + view.getUint32(offset);
    if (String.fromCharCode(...bytes.subarray(offset + 4, offset + 8)) !== type) {
      kept.push(bytes.subarray(offset, end));
    }
    offset = end;
  }
  return Uint8Array.from(kept.flatMap((part) => [...part]));
}

/** The JPEG with its start-of-frame marker and sample precision changed (the scans left as they are). */
function withStartOfFrame(bytes: Uint8Array, marker: number, bits: number): Uint8Array {
  const copy = bytes.slice();
  for (let offset = 2; offset + 4 < copy.length; ) {
    if (copy[offset + 1] === 0xc0) {
      copy[offset + 1] = marker;
      copy[offset + 4] = bits;
      return copy;
    }
    offset += 2 + (((copy[offset + 2] ?? 0) << 8) | (copy[offset + 3] ?? 0));
  }
  throw new Error("no SOF0 marker");
}

describe("decodeImage: PNG", () => {
  it("decodes 8-bit RGB exactly", () => {
    const decoded = decodeImage(png({ data: CARD_RGB, channels: 3 }));
    expect(decoded).toEqual({ width: 4, height: 2, data: CARD_RGB });
  });

  it("drops alpha from RGBA", () => {
    const rgba = Uint8Array.from(CARD.flatMap((rgb, i) => [...rgb, i * 30]));
    expect(decodeImage(png({ data: rgba, channels: 4 })).data).toEqual(CARD_RGB);
  });

  it("keeps the high byte of 16-bit samples", () => {
    const wide = Uint16Array.from(CARD_RGB, (value) => value * 257);
    expect(decodeImage(png({ data: wide, channels: 3, depth: 16 })).data).toEqual(CARD_RGB);
  });

  it("drops alpha from 16-bit RGBA and grey+alpha", () => {
    const rgba = Uint16Array.from(
      CARD.flatMap((rgb, i) => [...rgb, i * 30]),
      (v) => v * 257,
    );
    expect(decodeImage(png({ data: rgba, channels: 4, depth: 16 })).data).toEqual(CARD_RGB);
    const grey = [0, 50, 100, 150, 200, 250, 7, 9];
    const greyAlpha = Uint16Array.from(
      grey.flatMap((g) => [g, 255]),
      (v) => v * 257,
    );
    expect(decodeImage(png({ data: greyAlpha, channels: 2, depth: 16 })).data).toEqual(
      Uint8Array.from(grey.flatMap((g) => [g, g, g])),
    );
  });

  it("replicates grey and grey+alpha to RGB", () => {
    const grey = Uint8Array.from([0, 50, 100, 150, 200, 250, 7, 9]);
    const expected = Uint8Array.from(Array.from(grey).flatMap((g) => [g, g, g]));
    expect(decodeImage(png({ data: grey, channels: 1 })).data).toEqual(expected);
    const greyAlpha = Uint8Array.from(Array.from(grey).flatMap((g) => [g, 255]));
    expect(decodeImage(png({ data: greyAlpha, channels: 2 })).data).toEqual(expected);
  });

  it("scales 1-bit grey to 0/255", () => {
    // Rows are packed MSB first, padded to a byte: 1010 → 0xa0, 0111 → 0x70.
    const decoded = decodeImage(
      png({ data: Uint8Array.from([0xa0, 0x70]), channels: 1, depth: 1 }),
    );
    const bits = [1, 0, 1, 0, 0, 1, 1, 1];
    expect(decoded.data).toEqual(Uint8Array.from(bits.flatMap((b) => [b * 255, b * 255, b * 255])));
  });

  it("looks up palette indices, also when packed 2 bits per pixel", () => {
    const palette = [
      [10, 20, 30],
      [40, 50, 60],
      [70, 80, 90],
      [100, 110, 120],
    ];
    // Indices 0 1 2 3 / 3 2 1 0 packed two bits each.
    const decoded = decodeImage(
      png({ data: Uint8Array.from([0b00011011, 0b11100100]), channels: 1, depth: 2, palette }),
    );
    const order = [0, 1, 2, 3, 3, 2, 1, 0];
    expect(decoded.data).toEqual(Uint8Array.from(order.flatMap((i) => palette[i] ?? [])));
  });

  it("refuses an interlaced PNG of samples under 8 bits by name (its decoder would misread it)", () => {
    const palette = [
      [10, 20, 30],
      [40, 50, 60],
      [70, 80, 90],
      [100, 110, 120],
    ];
    const flat = png({
      data: Uint8Array.from([0b00011011, 0b11100100]),
      channels: 1,
      depth: 2,
      palette,
    });
    // The same IHDR with interlace method 1 (Adam7), its CRC made again.
    const header = Uint8Array.from(flat.subarray(16, 29));
    header[12] = 1;
    const interlaced = Buffer.concat([
      flat.subarray(0, 8),
      pngChunk("IHDR", header),
      flat.subarray(33),
    ]);
    const error = imageError(() => decodeImage(interlaced));
    expect(error.code).toBe("unsupported-format");
    expect(error.message).toMatch(/interlaced \(Adam7\) PNG images of 2-bit samples/);
  });

  it("reports truncated and bit-flipped files as corrupt", () => {
    const bytes = png({ data: CARD_RGB, channels: 3 });
    expect(imageError(() => decodeImage(bytes.subarray(0, bytes.length - 20))).code).toBe(
      "corrupt-image",
    );
    expect(imageError(() => decodeImage(bytes.subarray(0, 20))).code).toBe("corrupt-image");
    const flipped = bytes.slice();
    flipped[45] = (flipped[45] ?? 0) ^ 0xff; // inside the IDAT data: the CRC no longer matches
    expect(imageError(() => decodeImage(flipped)).code).toBe("corrupt-image");
    const badStream = bytes.slice();
    badStream[41] = (badStream[41] ?? 0) ^ 0xff; // the zlib header: inflating fails
    const error = imageError(() => decodeImage(badStream));
    expect(error.code).toBe("corrupt-image");
    // The decoder's reason without the colon it ends on ("…decompressing the data: ").
    expect(error.message).toMatch(/decompressing the data$/);
  });

  it("reports a palette image without its PLTE chunk as corrupt, not as grey", () => {
    const withPalette = png({
      data: Uint8Array.from([0, 1, 2, 3, 3, 2, 1, 0]),
      channels: 1,
      palette: [
        [10, 20, 30],
        [40, 50, 60],
        [70, 80, 90],
        [100, 110, 120],
      ],
    });
    const withoutPalette = withoutChunk(withPalette, "PLTE");
    expect(withoutPalette.length).toBeLessThan(withPalette.length);
    const error = imageError(() => decodeImage(withoutPalette));
    expect(error.code).toBe("corrupt-image");
    expect(error.message).toContain("PLTE");
  });

  it("refuses images with more pixels than the limit before decoding, naming the limit", () => {
    const bytes = png({ data: CARD_RGB, channels: 3 });
    const error = imageError(() => decodeImage(bytes, { maxPixels: 7 }));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain("4×2");
    expect(error.message).toContain("limit is 7 pixels");
  });
});

describe("decodeImage: JPEG", () => {
  it("decodes size and colours (within JPEG loss)", () => {
    const { bytes, rgba } = smoothJpeg();
    const decoded = decodeImage(bytes);
    expect([decoded.width, decoded.height, decoded.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    let worst = 0;
    for (let pixel = 0; pixel < 64 * 48; pixel++) {
      for (let c = 0; c < 3; c++) {
        const diff = Math.abs((decoded.data[pixel * 3 + c] ?? 0) - (rgba[pixel * 4 + c] ?? 0));
        worst = Math.max(worst, diff);
      }
    }
    expect(worst).toBeLessThanOrEqual(8);
  });

  it("accepts an ArrayBuffer as well as bytes", () => {
    const { bytes } = smoothJpeg();
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(decodeImage(buffer as ArrayBuffer).width).toBe(64);
  });

  it("says a component pointing at a missing quantisation table is corrupt, not a JavaScript error", () => {
    const bytes = smoothJpeg().bytes.slice();
    let frame = 2;
    while (!(bytes[frame] === 0xff && bytes[frame + 1] === 0xc0)) frame++;
    // SOF0: marker, length (2), precision, height (2), width (2), count, then (id, sampling, table).
    bytes[frame + 2 + 2 + 6 + 2] = 9;
    const error = imageError(() => decodeImage(bytes));
    expect(error.code).toBe("corrupt-image");
    expect(error.message).toBe("the jpeg data could not be decoded: it is corrupt or truncated");
  });

  it("reports truncated data as corrupt", () => {
    const { bytes } = smoothJpeg();
    for (const length of [4, 200, Math.floor(bytes.length / 2), bytes.length - 10]) {
      expect(imageError(() => decodeImage(bytes.subarray(0, length))).code).toBe("corrupt-image");
    }
  });

  // jpeg-js decodes baseline, extended and progressive Huffman-coded 8-bit frames (SOF0–SOF2).
  // Lossless, hierarchical and arithmetic-coded frames are valid JPEGs it cannot read (a real
  // arithmetic one, from `cjpeg -arithmetic`, was called corrupt: "unknown JPEG marker ffc9"),
  // and it reads 12-bit samples as if they were 8-bit (wrong pixels, no error).
  it.each([
    [0xc3, 8, "lossless"],
    [0xc5, 8, "hierarchical"],
    [0xc9, 8, "arithmetic"],
    [0xca, 8, "arithmetic"],
    [0xc1, 12, "12-bit"],
    [0xc2, 12, "12-bit"],
  ])("names a frame of type %s at %i bits (%s) an unsupported format", (marker, bits, what) => {
    const bytes = withStartOfFrame(smoothJpeg().bytes, marker, bits);
    for (const run of [() => checkImageHeader(bytes), () => decodeImage(bytes)]) {
      const error = imageError(run);
      expect([error.code, error.format]).toEqual(["unsupported-format", "jpeg"]);
      expect(error.message).toContain(what);
      expect(error.message).toContain("baseline or progressive");
    }
  });

  it("decodes an extended sequential (SOF1) 8-bit frame as a baseline one", () => {
    const { bytes } = smoothJpeg();
    expect(decodeImage(withStartOfFrame(bytes, 0xc1, 8))).toEqual(decodeImage(bytes));
  });

  it("refuses too many pixels with the limit in the message", () => {
    const error = imageError(() => decodeImage(smoothJpeg().bytes, { maxPixels: 1000 }));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain("64×48 (3072 pixels); the limit is 1000 pixels");
  });
});

describe("decodeImage: other bytes", () => {
  const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));

  it.each([
    ["webp", [...ascii("RIFF"), 0x24, 0, 0, 0, ...ascii("WEBPVP8 "), 0, 0, 0, 0]],
    ["gif", [...ascii("GIF89a"), 1, 0, 1, 0, 0, 0, 0]],
    ["bmp", [...ascii("BM"), 0, 0, 0, 0, 0, 0, 0, 0]],
    ["tiff", [...ascii("II*"), 0, 8, 0, 0, 0]],
    ["avif", [0, 0, 0, 0x1c, ...ascii("ftypavif"), 0, 0, 0, 0]],
    ["heic", [0, 0, 0, 0x18, ...ascii("ftypheic"), 0, 0, 0, 0]],
  ])("names %s as an unsupported format", (format, bytes) => {
    const error = imageError(() => decodeImage(Uint8Array.from(bytes)));
    expect(error.code).toBe("unsupported-format");
    expect(error.format).toBe(format);
    expect(error.message).toContain(format.toUpperCase());
  });

  it("refuses garbage and empty input as an unrecognised format", () => {
    const garbage = Uint8Array.from({ length: 256 }, (_, i) => (i * 97 + 13) % 256);
    for (const bytes of [garbage, new Uint8Array(0), Uint8Array.from(ascii("hello, world"))]) {
      const error = imageError(() => decodeImage(bytes));
      expect([error.code, error.format]).toEqual(["unsupported-format", "unknown"]);
    }
  });
});

/**
 * The documented per-image limit (DEFAULT_LIMITS, 512×512, and 4096 per side) is reachable in every
 * format and depth, and one pixel row more is refused from the header alone. Images are generated
 * here; the ones at the limit are flat, so encoding stays fast.
 */
describe("decodeImage at the documented limit", () => {
  const WIDTH = 512;
  const HEIGHT = 512;

  it("is 512×512 and 4096 per side", () => {
    expect(DEFAULT_LIMITS.maxPixels).toBe(WIDTH * HEIGHT);
    expect(MAX_SIDE).toBe(4096);
  });

  it("decodes a 512×512 JPEG within the memory cap it gives jpeg-js", () => {
    const rgba = new Uint8Array(WIDTH * HEIGHT * 4).fill(200);
    const bytes = new Uint8Array(
      jpeg.encode({ width: WIDTH, height: HEIGHT, data: rgba }, 50).data,
    );
    const decoded = decodeImage(bytes);
    expect([decoded.width, decoded.height]).toEqual([WIDTH, HEIGHT]);
    expect(Math.abs((decoded.data[decoded.data.length - 1] ?? 0) - 200)).toBeLessThanOrEqual(2);
  });

  it("decodes a 512×512 16-bit RGBA PNG to its high bytes", () => {
    const data = new Uint16Array(WIDTH * HEIGHT * 4);
    for (let i = 0; i < data.length; i += 4) data.set([0x1234, 0xabcd, 0xff00, 0x8000], i);
    const decoded = decodeImage(encodePng({ width: WIDTH, height: HEIGHT, data, depth: 16 }));
    expect([decoded.width, decoded.height]).toEqual([WIDTH, HEIGHT]);
    expect(Array.from(decoded.data.subarray(-3))).toEqual([0x12, 0xab, 0xff]);
  });

  it("decodes a 512×512 palette PNG with transparent entries", () => {
    const palette: [number, number, number, number][] = [
      [10, 20, 30, 0],
      [200, 100, 50, 128],
    ];
    const data = new Uint8Array(WIDTH * HEIGHT).fill(1);
    const bytes = encodePng({ width: WIDTH, height: HEIGHT, data, channels: 1, palette });
    const decoded = decodeImage(bytes);
    expect([decoded.width, decoded.height]).toEqual([WIDTH, HEIGHT]);
    expect(Array.from(decoded.data.subarray(0, 3))).toEqual([200, 100, 50]);
  });

  it("refuses a PNG one row over the limit from its header, without decoding", () => {
    const bytes = png({ data: CARD_RGB, channels: 3 }).slice();
    // IHDR width and height (big-endian at 16 and 20): the rest of the file stays a 4×2 image.
    new DataView(bytes.buffer).setUint32(16, WIDTH);
    new DataView(bytes.buffer).setUint32(20, HEIGHT + 1);
    const error = imageError(() => decodeImage(bytes));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain(`512×513`);
    expect(checkError(() => checkImageHeader(bytes))).toBe("image-too-large");
  });

  it("refuses a JPEG one row over the limit from its header, without decoding", () => {
    const bytes = smoothJpeg().bytes.slice();
    const sof = bytes.findIndex((byte, i) => byte === 0xff && bytes[i + 1] === 0xc0);
    // SOF0 payload after marker and length: precision, height, width.
    new DataView(bytes.buffer).setUint16(sof + 5, HEIGHT + 1);
    new DataView(bytes.buffer).setUint16(sof + 7, WIDTH);
    const error = imageError(() => decodeImage(bytes));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain(`512×513`);
  });

  it("decodes an image as long as the longest side, and refuses one pixel longer", () => {
    const rgba = new Uint8Array(MAX_SIDE * 64 * 4).fill(90);
    const long = new Uint8Array(jpeg.encode({ width: MAX_SIDE, height: 64, data: rgba }, 50).data);
    const decoded = decodeImage(long);
    expect([decoded.width, decoded.height]).toEqual([MAX_SIDE, 64]);
    const longer = encodePng({
      width: MAX_SIDE + 1,
      height: 1,
      data: new Uint8Array(MAX_SIDE + 1),
      channels: 1,
    });
    const error = imageError(() => decodeImage(longer, { maxPixels: MAX_SIDE * 2 }));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain(`the limit is ${MAX_SIDE} pixels per side`);
  });

  it("reads the size and format from the header", () => {
    expect(checkImageHeader(smoothJpeg().bytes)).toEqual({ format: "jpeg", width: 64, height: 48 });
    expect(checkImageHeader(png({ data: CARD_RGB, channels: 3 }))).toEqual({
      format: "png",
      width: 4,
      height: 2,
    });
  });
});

function checkError(run: () => unknown): string {
  return imageError(run).code;
}
