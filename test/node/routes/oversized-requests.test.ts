/**
 * A small body can hold a great many wrong values. They get a 4xx of bounded size, never a 500:
 * a batch over its limit is refused before its items are checked, and a problem lists at most
 * MAX_LISTED_ISSUES of them. Through the real app in Node, on /v1/embed with the lexical backbone.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { LIMITS } from "../../../src/limits";
import { MAX_LISTED_ISSUES } from "../../../src/routes/validation";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const pool = new BackbonePool(await nodeHost());
  app = createApp(() => pool);
});

async function embed(body: unknown): Promise<{ status: number; problem: Record<string, unknown> }> {
  const response = await app.request(
    "http://edge/v1/embed",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
    { PUBLIC_EMBED: "true" },
  );
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return { status: response.status, problem: (await response.json()) as Record<string, unknown> };
}

describe("requests holding many wrong values", () => {
  it("refuses a batch over the limit before checking its items (was a stack overflow: 500)", async () => {
    const { status, problem } = await embed({
      backbone: "lexical",
      inputs: Array(150_000).fill(1),
    });
    expect(status).toBe(413);
    expect(problem).toMatchObject({
      type: "/problems/batch-too-large",
      limit: LIMITS.maxEmbedBatch,
    });
  });

  it("lists the first issues of a batch within the limit, and counts the rest", async () => {
    const count = LIMITS.maxEmbedBatch;
    const { status, problem } = await embed({ backbone: "lexical", inputs: Array(count).fill(1) });
    expect(status).toBe(422);
    expect(problem.issues).toHaveLength(MAX_LISTED_ISSUES);
    expect(problem.detail).toMatch(new RegExp(`; and ${count - MAX_LISTED_ISSUES} more$`));
  });

  it("names a few of many unknown keys (300,000 were listed in a 7.6 MB answer)", async () => {
    const body: Record<string, unknown> = { backbone: "lexical", inputs: ["a kitten"] };
    for (let i = 0; i < 300_000; i++) body[`k${i}`] = 1;
    const { status, problem } = await embed(body);
    expect(status).toBe(422);
    expect(String(problem.detail)).toContain(`and ${300_000 - MAX_LISTED_ISSUES} more`);
    expect(JSON.stringify(problem).length).toBeLessThan(2_000);
  });

  it("takes a text that shows nothing as empty, like white space", async () => {
    for (const text of [" ", "\u00a0\ufeff", "\u200b", "\u0000", "\u00ad", "\u3164"]) {
      const { status, problem } = await embed({ backbone: "lexical", inputs: ["ok", text] });
      expect(status, JSON.stringify(text)).toBe(422);
      expect(problem).toMatchObject({ type: "/problems/empty-text" });
    }
  });
});
