/**
 * Labelled texts for the tenant benchmark: SpamAssassin subject lines as spam or ham. Subjects, not
 * whole e-mails: use-lite's cost grows with the tokens, and short inputs keep a fleet of tenants
 * affordable to set up and make the predict path's own overhead visible next to embedding. Each text
 * is used once, so no upload is deduplicated away and the probe is never a training sample.
 */

import { spamAssassin } from "../datasets/spam-assassin";

export interface Sample {
  readonly input: string;
  readonly label: "spam" | "ham";
}

export interface BenchTexts {
  /** What every tenant of the fleet trains on: a small head's worth per label. */
  readonly fleet: readonly Sample[];
  /** The 200 samples of the train-to-servable measurement. */
  readonly twoHundred: readonly Sample[];
  /** The input every timed prediction and embedding sends. */
  readonly probe: string;
}

/** Above the API's minimum of 3 per label, so every split part holds more than one sample per label. */
export const SAMPLES_PER_LABEL = 8;

export function benchTexts(): BenchTexts {
  const samples = distinctSubjects();
  const spam = samples.filter((sample) => sample.label === "spam");
  const ham = samples.filter((sample) => sample.label === "ham");
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

function distinctSubjects(): Sample[] {
  const { texts, groups } = spamAssassin();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  for (const [index, text] of texts.entries()) {
    // spamAssassin() gives "<subject>. <body>"; a message without a subject has nothing to keep.
    const subject = text.slice(0, text.indexOf(". ")).trim();
    if (subject === "" || seen.has(subject)) continue;
    seen.add(subject);
    samples.push({ input: subject, label: groups[index]?.startsWith("spam") ? "spam" : "ham" });
  }
  return samples;
}
