/**
 * Pictures over the API's per-image limit (262,144 pixels, 512 × 512, and 4,096 per side: README,
 * Limits) scaled down in the browser before they are sent: a phone's photo has some 12 M pixels, and
 * the backbones see 224 × 224 or 299 × 299 anyway. The API would decode such a JPEG reduced, but it
 * refuses a PNG, and a smaller file uploads sooner. Same format (PNG stays lossless, JPEG at quality
 * 0.92) and name; the decoder applies a JPEG's EXIF orientation, as the API would.
 */

const PIXEL_LIMIT = 262_144;
const SIDE_LIMIT = 4_096;

export interface FittedPicture {
  file: File;
  /** Its pixels as sent; 0 when the browser cannot decode it (the API then says why). */
  pixels: number;
  /** The size it had, when it was scaled down; null when sent as it was. */
  scaledFrom: { width: number; height: number } | null;
}

export async function fitPicture(file: File): Promise<FittedPicture> {
  const size = await decodedSize(file);
  if (!size) return { file, pixels: 0, scaledFrom: null };
  const { width, height } = size;
  const scale = Math.min(
    1,
    Math.sqrt(PIXEL_LIMIT / (width * height)),
    SIDE_LIMIT / Math.max(width, height),
  );
  if (scale === 1) return { file, pixels: width * height, scaledFrom: null };
  // Rounded down, so the scaled picture is within the limits.
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const bitmap = await createImageBitmap(file, {
    resizeWidth: w,
    resizeHeight: h,
    resizeQuality: "high",
  });
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
  bitmap.close();
  const type = file.type === "image/jpeg" ? "image/jpeg" : "image/png";
  const blob = await canvas.convertToBlob({ type, quality: 0.92 });
  return { file: new File([blob], file.name, { type }), pixels: w * h, scaledFrom: size };
}

async function decodedSize(file: File): Promise<{ width: number; height: number } | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return null;
  }
}
