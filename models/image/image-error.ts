/** Why an image cannot be used; the HTTP layer maps each code to a problem type. */
export type ImageErrorCode = "unsupported-format" | "corrupt-image" | "image-too-large";

export class ImageError extends Error {
  override readonly name = "ImageError";

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    /** Format detected from the magic bytes ("jpeg", "webp", "unknown", …). */
    readonly format: string,
  ) {
    super(message);
  }
}
