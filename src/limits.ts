/** Request limits of the public API (documented in the README; each refusal names its limit). */
export const LIMITS = {
  /** Whole request body of the routes that take images (embed, sample upload, predict). */
  maxBodyBytes: 16 * 1024 * 1024,
  /** Whole request body of every route that takes no images (JSON control routes). */
  maxControlBodyBytes: 64 * 1024,
  /** Inputs in one /v1/embed call. */
  maxEmbedBatch: 32,
  /** Characters in one text input. */
  maxTextChars: 2000,
  /**
   * Decoded pixels (width × height, from the headers) of all images in one request: two images of
   * the per-image limit (4096×3072), or e.g. 32 of 1024×768. Images are decoded one at a time, so
   * this bounds a request's CPU time; the per-image limit bounds its memory.
   */
  maxRequestPixels: 2 * 4096 * 3072,
} as const;
