/**
 * Documented input limits of the training protocol.
 * - maxClasses: a 1,280-d logistic head with 256 classes is ~1.3 MB as float32, well under KV's 25 MiB value limit.
 * - maxLabelLength: labels are identifiers shown in responses, not free text (characters as
 *   `characterCount` counts them).
 * - minSamplesPerClass: after deduplication each class needs one sample in each of train, validation and test.
 * - maxSamples: bounds the protocol's own work; what keeps a training job within a Worker's 128 MB is
 *   the API's training budget (training-budget.ts), far below this at a backbone's dimension.
 */
export const LIMITS = {
  maxClasses: 256,
  maxLabelLength: 128,
  minSamplesPerClass: 3,
  maxSamples: 50_000,
} as const;

/** The label a head answers when it abstains; it can therefore not be used as a class label. */
export const UNKNOWN_LABEL = "unknown";

/**
 * Characters as a person counts them, and as every length limit of the API does: Unicode code
 * points (an emoji is one, where a string's length counts its two UTF-16 units).
 */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
