/** A resumed job's progress never goes back without a word (src/jobs/shown-progress.ts). */

import { describe, expect, it } from "vitest";
import { shownProgress } from "../../../src/jobs/shown-progress";

const at = (fraction: number, message: string) => ({ stage: "cross-validate", fraction, message });

describe("shownProgress", () => {
  it("stores a running job's own progress", () => {
    expect(shownProgress(at(0.2, "round 2/5"), at(0.24, "round 2/5"), false)).toEqual(
      at(0.24, "round 2/5"),
    );
  });

  it("keeps the fraction reached while a resumed job redoes the work since its checkpoint", () => {
    const behind = shownProgress(at(0.236, "round 2/5"), at(0.1, "round 1/5"), true);
    expect(behind.fraction).toBe(0.236);
    expect(behind.message).toMatch(/^redoing the work since its last checkpoint .*; round 1\/5$/);
    // Still behind at the next step (no longer the resumed one): still said.
    const still = shownProgress(behind, at(0.2, "round 1/5"), false);
    expect([still.fraction, still.message]).toEqual([0.236, expect.stringMatching(/^redoing/)]);
    // Caught up: the job's own progress again.
    expect(shownProgress(still, at(0.25, "round 2/5"), false)).toEqual(at(0.25, "round 2/5"));
  });

  it("does not call a job that never stopped interrupted", () => {
    // Not resumed and not catching up: its own numbers, even where a stage restarts lower.
    expect(shownProgress(at(0.5, "sweep"), at(0.45, "refit"), false)).toEqual(at(0.45, "refit"));
  });
});
