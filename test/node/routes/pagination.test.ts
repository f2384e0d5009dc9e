/** Cursors of the list routes: opaque, round-tripping, and refused when forged. */

import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";
import {
  createdOrderPage,
  createdPosition,
  numberedPage,
  PageQuerySchema,
  pageOf,
} from "../../../src/routes/pagination";

const items = Array.from({ length: 5 }, (_, i) => ({
  id: `a_${i}`,
  createdAt: `2026-11-30T00:00:0${i}Z`,
}));

describe("pagination", () => {
  it("asks storage for one item more than the page, to know whether another follows", () => {
    expect(createdOrderPage("adapters", { limit: 2 })).toEqual({ limit: 3 });
  });

  it("gives the next page's cursor only when there is one, and it decodes to the last position", () => {
    const first = pageOf("adapters", items.slice(0, 3), 2, createdPosition);
    expect(first.items.map((item) => item.id)).toEqual(["a_0", "a_1"]);
    expect(first.nextCursor).not.toBeNull();
    const next = createdOrderPage("adapters", { limit: 2, cursor: first.nextCursor as string });
    expect(next.after).toEqual({ id: "a_1", createdAt: items[1]?.createdAt });
    expect(pageOf("adapters", items.slice(3), 2, createdPosition).nextCursor).toBeNull();
  });

  it("continues versions after the last one shown (newest first)", () => {
    const page = pageOf("versions", [{ version: 9 }, { version: 8 }], 1, (item) => item.version);
    expect(numberedPage("versions", { limit: 1, cursor: page.nextCursor as string }).after).toBe(9);
  });

  it.each(["!!!", "e30", "bm90IGpzb24", "WzFd", "__proto__"])("refuses the cursor %j", (cursor) => {
    expect(() => createdOrderPage("adapters", { limit: 5, cursor })).toThrow(Problem);
  });

  // A cursor held a position only: a jobs cursor on the adapters list, or a samples cursor on the
  // versions list, was read as a position there and answered 200 with some other page.
  it("refuses another list's cursor", () => {
    const jobs = pageOf("jobs", items.slice(0, 3), 2, createdPosition).nextCursor as string;
    expect(createdOrderPage("jobs", { limit: 2, cursor: jobs }).after).toBeDefined();
    expect(() => createdOrderPage("adapters", { limit: 2, cursor: jobs })).toThrow(
      "cursor is not a nextCursor of this list",
    );
    const samples = pageOf("samples", [{ at: 7 }, { at: 9 }], 1, (item) => item.at).nextCursor;
    expect(() => numberedPage("versions", { limit: 1, cursor: samples as string })).toThrow(
      Problem,
    );
  });

  it.each([
    [{}, 50],
    [{ limit: "200" }, 200],
  ])("reads %j as limit %d", (query, limit) => {
    expect(PageQuerySchema.parse(query).limit).toBe(limit);
  });

  it.each([{ limit: "0" }, { limit: "201" }, { limit: "abc" }, { limit: "1.5" }])(
    "refuses %j",
    (query) => {
      expect(PageQuerySchema.safeParse(query).success).toBe(false);
    },
  );
});
