/** Request limits of the public API (documented in the README; each refusal names its limit). */
export const LIMITS = {
  /**
   * Whole request body of the routes that take images (embed, sample upload, predict). Bounds what a
   * request holds besides its pixels (the body is held about three times over: raw, parsed, and as
   * each image's bytes); two incompressible 16-bit RGBA PNGs at the per-image limit (2 MiB each)
   * still fit.
   */
  maxBodyBytes: 4 * 1024 * 1024,
  /** Whole request body of every route that takes no images (JSON control routes). */
  maxControlBodyBytes: 64 * 1024,
  /** Inputs in one /v1/embed call. */
  maxEmbedBatch: 32,
  /** Characters in one text input. */
  maxTextChars: 2000,
  /**
   * Decoded pixels (width × height, from the headers; a large JPEG's once reduced, models/image/
   * scaled-jpeg.ts) of all images in one request: one image at
   * the per-image limit (512×512), five of 224×224, or 32 of 90×90. Decoding garbage is collected
   * late (V8 lets tens of MB of freed buffers pile up), so a request's memory grows with its total
   * pixels, not only its largest image: this is what keeps the worst request within a 128 MB
   * isolate (bench/results/memory.md). It also bounds the decoded inputs a request holds until they
   * are embedded to 3 bytes per pixel (src/runtime/backbone-inputs.ts).
   */
  maxRequestPixels: 512 * 512,
} as const;
