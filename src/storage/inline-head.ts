/**
 * A head's bytes carried inside its adapter's serving record (./serving-records.ts) as base64, so
 * that a prediction for a tenant this isolate has not seen lately reads KV once, not twice.
 */

/**
 * Heads up to this size ride in the record; larger ones (wide MLPs) are read from their own key.
 * A hot adapter's record is read again every 2 s (./serving-cache.ts), so the bound also caps what
 * those refreshes carry: a logistic head on a 512-d backbone with a few labels is 4–20 KiB.
 */
export const INLINE_HEAD_MAX_BYTES = 64 * 1024;
