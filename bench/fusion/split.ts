/**
 * The fusion bench's SpamAssassin split: distinct messages (subject + start of the body, as the
 * heads bench embeds them), shuffled with seed 0 per class; the first `train` per class are the
 * upload, the next `test` per class the fixed held-out set.
 */

import { SeededRandom } from "../../adapters/random";
import { spamAssassin } from "../datasets/spam-assassin";
import type { Sample } from "../tenants/texts";

export interface FusionSplit {
  train: Sample[];
  test: Sample[];
}

export function spamSplit(trainPerClass: number, testPerClass: number): FusionSplit {
  const { texts, groups } = spamAssassin();
  const seen = new Set<string>();
  const distinct: Sample[] = [];
  texts.forEach((text, i) => {
    if (seen.has(text)) return;
    seen.add(text);
    distinct.push({ input: text, label: groups[i]?.startsWith("spam") ? "spam" : "ham" });
  });
  const random = new SeededRandom(0);
  const split: FusionSplit = { train: [], test: [] };
  for (const label of ["spam", "ham"] as const) {
    const members = random.shuffle(distinct.filter((sample) => sample.label === label));
    split.train.push(...members.slice(0, trainPerClass));
    split.test.push(...members.slice(trainPerClass, trainPerClass + testPerClass));
  }
  return split;
}
