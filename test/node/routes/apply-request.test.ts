/** The body of POST /v1/adapters/{id}/select/apply: a selection job, or a backbone (+ layer), not both. */

import { describe, expect, it } from "vitest";
import { ApplyRequestSchema } from "../../../src/routes/selection-schemas";

function issues(body: unknown): string[] {
  const parsed = ApplyRequestSchema.safeParse(body);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("ApplyRequestSchema", () => {
  it.each([
    ["nothing (the latest selection)", {}],
    ["a selection job", { jobId: "j_1" }],
    ["a backbone", { backbone: "use-lite" }],
    ["a backbone and its layer", { backbone: "use-lite", layer: "encoder-mean", seed: 3 }],
  ])("accepts %s", (_, body) => {
    expect(issues(body)).toEqual([]);
  });

  // Either was dropped without a word: the backbone won over the job, and a lone layer was
  // ignored while the latest selection's recommendation was applied.
  it.each([
    [
      "a job and a backbone",
      { jobId: "j_1", backbone: "use-lite" },
      "backbone: give jobId or backbone, not both",
    ],
    [
      "a layer without its backbone",
      { layer: "encoder-mean" },
      "layer: a layer needs its backbone",
    ],
  ])("refuses %s, naming the field", (_, body, expected) => {
    expect(issues(body)).toEqual([expected]);
  });
});
