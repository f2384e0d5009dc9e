/**
 * Labelled texts for the tenant benchmark: SpamAssassin e-mails as spam or ham, distinct per use so
 * that no upload is deduplicated away and the probe is never a training sample.
 */

import { spamAssassin } from "../datasets/spam-assassin";

export interface Sample {
  readonly input: string;
  readonly label: "spam" | "ham";
}

export interface BenchTexts {
  /** What every tenant of the fleet trains on: the minimum the API accepts per label. */
  readonly fleet: readonly Sample[];
  /** The 200 samples of the train-to-servable measurement. */
  readonly twoHundred: readonly Sample[];
  /** The input every timed prediction and embedding sends. */
  readonly probe: string;
}

/** The README's documented minimum per label (the head protocol itself takes fewer). */
export const SAMPLES_PER_LABEL = 8;

export function benchTexts(): BenchTexts {
  const { texts, groups } = spamAssassin();
  // The corpus repeats some messages, which the API would store once.
  const seen = new Set<string>();
  const labelled: Sample[] = [];
  for (const [index, input] of texts.entries()) {
    if (seen.has(input)) continue;
    seen.add(input);
    labelled.push({ input, label: groups[index]?.startsWith("spam") ? "spam" : "ham" });
  }
  const spam = labelled.filter((sample) => sample.label === "spam");
  const ham = labelled.filter((sample) => sample.label === "ham");
  const take = (start: number, count: number) => [
    ...spam.slice(start, start + count),
    ...ham.slice(start, start + count),
  ];
  return {
    fleet: take(0, SAMPLES_PER_LABEL),
    twoHundred: take(SAMPLES_PER_LABEL, 100),
    probe: spam[SAMPLES_PER_LABEL + 100]?.input ?? "",
  };
}
