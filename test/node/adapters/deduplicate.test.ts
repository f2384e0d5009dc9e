/** Deduplication is by the embedding the head sees, not by the upload it came from. */

import { describe, expect, it } from "vitest";
import { deduplicate } from "../../../adapters/protocol/deduplicate";

const sample = (features: number[], label: string, hash: string) => ({
  features: Float32Array.from(features),
  label,
  hash,
});

describe("deduplicate", () => {
  it("keeps one of each embedding, whatever the uploads' hashes, and counts label conflicts", () => {
    const { samples, duplicatesRemoved, conflictingDuplicates } = deduplicate([
      sample([1, 0], "spam", "free offer"),
      sample([1, 0], "spam", "Free offer "),
      sample([1, 0], "work", "free offer\n"),
      sample([0, 1], "work", "the meeting"),
      sample([0, 1.0000001], "work", "the meeting!"),
    ]);
    expect(samples.map((s) => s.hash)).toEqual(["free offer", "the meeting", "the meeting!"]);
    expect(duplicatesRemoved).toBe(2);
    expect(conflictingDuplicates).toBe(1);
  });
});
