/** Cursors of the list routes: opaque, round-tripping, and refused when forged. */

import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";
import {
  createdOrderPage,
  createdPosition,
  numberedPage,
  type PagedList,
  PageQuerySchema,
  pageOf,
} from "../../../src/routes/pagination";

const ADAPTERS: PagedList = ["adapters", "t_1"];
const VERSIONS: PagedList = ["versions", "t_1", "a_1"];
const JOBS: PagedList = ["jobs", "t_1", "a_1"];

const items = Array.from({ length: 5 }, (_, i) => ({
  id: `a_${i}`,
  createdAt: `2026-11-30T00:00:0${i}Z`,
}));

describe("pagination", () => {
  it("asks storage for one item more than the page, to know whether another follows", () => {
    expect(createdOrderPage(ADAPTERS, { limit: 2 })).toEqual({ limit: 3 });
  });

  it("gives the next page's cursor only when there is one, and it decodes to the last position", () => {
    const first = pageOf(ADAPTERS, items.slice(0, 3), 2, createdPosition);
    expect(first.items.map((item) => item.id)).toEqual(["a_0", "a_1"]);
    expect(first.nextCursor).not.toBeNull();
    const next = createdOrderPage(ADAPTERS, { limit: 2, cursor: first.nextCursor as string });
    expect(next.after).toEqual({ id: "a_1", createdAt: items[1]?.createdAt });
    expect(pageOf(ADAPTERS, items.slice(3), 2, createdPosition).nextCursor).toBeNull();
  });

  it("continues versions after the last one shown (newest first)", () => {
    const page = pageOf(VERSIONS, [{ version: 9 }, { version: 8 }], 1, (item) => item.version);
    expect(numberedPage(VERSIONS, { limit: 1, cursor: page.nextCursor as string }).after).toBe(9);
  });

  it.each(["!!!", "e30", "bm90IGpzb24", "WzFd", "__proto__"])("refuses the cursor %j", (cursor) => {
    expect(() => createdOrderPage(ADAPTERS, { limit: 5, cursor })).toThrow(Problem);
  });

  // A cursor held a position only: a jobs cursor on the adapters list, or a samples cursor on the
  // versions list, was read as a position there and answered 200 with some other page.
  it("refuses another list's cursor", () => {
    const jobs = pageOf(JOBS, items.slice(0, 3), 2, createdPosition).nextCursor as string;
    expect(createdOrderPage(JOBS, { limit: 2, cursor: jobs }).after).toBeDefined();
    expect(() => createdOrderPage(ADAPTERS, { limit: 2, cursor: jobs })).toThrow(
      "cursor is not a nextCursor of this list",
    );
    const samples = pageOf(
      ["samples", "t_1", "a_1"],
      [{ at: 7 }, { at: 9 }],
      1,
      (item) => item.at,
    ).nextCursor;
    expect(() => numberedPage(VERSIONS, { limit: 1, cursor: samples as string })).toThrow(Problem);
  });

  // A cursor named its list only: tenant B could page its own adapters from tenant A's cursor, and
  // adapter Y's versions from adapter X's.
  it("refuses the same list's cursor of another tenant or adapter", () => {
    const cursor = pageOf(ADAPTERS, items.slice(0, 3), 2, createdPosition).nextCursor as string;
    expect(() => createdOrderPage(["adapters", "t_2"], { limit: 2, cursor })).toThrow(
      "cursor is not a nextCursor of this list",
    );
    const versions = pageOf(VERSIONS, [{ version: 9 }, { version: 8 }], 1, (item) => item.version);
    const otherAdapter: PagedList = ["versions", "t_1", "a_2"];
    expect(() =>
      numberedPage(otherAdapter, { limit: 1, cursor: versions.nextCursor as string }),
    ).toThrow(Problem);
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
