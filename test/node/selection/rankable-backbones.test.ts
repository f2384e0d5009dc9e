/** A selection request's backbones are checked before a job is queued (no backbone runs). */

import { describe, expect, it } from "vitest";
import { BackbonePool, UnknownBackboneError } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import { assertRankable } from "../../../src/selection/select-backbone";

function refusal(run: () => void): { status: number; slug: string } {
  try {
    run();
  } catch (error) {
    return error as { status: number; slug: string };
  }
  throw new Error("not refused");
}

describe("the backbones a selection may rank", async () => {
  const pool = new BackbonePool(await nodeHost());

  it("takes the adapter's modality, or no list at all", () => {
    expect(() => assertRankable(pool, "text", ["lexical", "use-lite"])).not.toThrow();
    expect(() => assertRankable(pool, "image", ["mobilenet-v2-100"])).not.toThrow();
    expect(() => assertRankable(pool, "text")).not.toThrow();
  });

  it("refuses another modality's backbone (a job would have measured nothing) and unknown ids", () => {
    expect(refusal(() => assertRankable(pool, "text", ["lexical", "mobilenet-v2"]))).toMatchObject({
      status: 422,
      slug: "wrong-modality",
    });
    expect(refusal(() => assertRankable(pool, "image", ["use-lite"]))).toMatchObject({
      status: 422,
    });
    // Mapped to 404 /problems/unknown-backbone by the app's error handler.
    expect(refusal(() => assertRankable(pool, "text", ["toString"]))).toBeInstanceOf(
      UnknownBackboneError,
    );
  });

  it("refuses a list of which no backbone can run here, and takes one where some can", () => {
    expect(refusal(() => assertRankable(pool, "image", ["inception-v3"]))).toMatchObject({
      status: 422,
      slug: "backbone-unavailable",
      detail: expect.stringContaining("inception-v3: its"),
    });
    expect(() => assertRankable(pool, "image", ["inception-v3", "mobilenet-v2"])).not.toThrow();
  });
});
