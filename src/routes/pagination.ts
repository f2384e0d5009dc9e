/**
 * `?limit=&cursor=` on the list routes, and the `nextCursor` they answer with. A cursor is opaque to
 * clients: the base64url JSON of its list (the list's name and whose it is) and the position the next
 * page starts after, so another list's cursor, or the same list's of another tenant or adapter, is
 * refused rather than read as a position in this one.
 */

import { z } from "@hono/zod-openapi";
import { base64UrlToBytes, bytesToBase64Url } from "../../adapters";
import { Problem } from "../problem";
import type { CreatedPosition, PageRequest } from "../storage/page";
import { urlIntegerOr } from "./url-integer";

export const PAGE_LIMITS = { default: 50, max: 200 } as const;

// Strict, as the bodies are: an unknown parameter (`?status=running`, `?limit[]=5`) is refused, not ignored.
export const PageQuerySchema = z.strictObject({
  limit: urlIntegerOr(PAGE_LIMITS.default, { min: 1, max: PAGE_LIMITS.max }).openapi({
    description: `Items per page (default ${PAGE_LIMITS.default}).`,
  }),
  cursor: z.string().min(1).max(512).optional().openapi({
    description: "The `nextCursor` of the previous page.",
  }),
});

export const NextCursorSchema = z.string().nullable().openapi({
  description: "Pass it as `cursor` for the next page; null on the last page.",
});

type PageQuery = z.infer<typeof PageQuerySchema>;

/** The lists that are paged. */
export type ListName = "tenants" | "keys" | "adapters" | "versions" | "jobs" | "samples";

/**
 * One list: its name, then the ids of whose it is, outermost first (`["versions", tenantId,
 * adapterId]`). A cursor works on that list only.
 */
export type PagedList = readonly [ListName, ...string[]];

const CreatedPositionSchema = z.object({ createdAt: z.string(), id: z.string() });
const NumberedPositionSchema = z.int().positive();

/** A page of a list in creation order, asking for one item more to know whether another page follows. */
export function createdOrderPage(list: PagedList, query: PageQuery): PageRequest<CreatedPosition> {
  return pageRequest(list, query, CreatedPositionSchema);
}

/** A page of a list ordered by a positive integer: head versions (newest first), samples' uploads. */
export function numberedPage(list: PagedList, query: PageQuery): PageRequest<number> {
  return pageRequest(list, query, NumberedPositionSchema);
}

/** The page of `limit` items and the cursor after its last item (null when `items` held no more). */
export function pageOf<T, P>(
  list: PagedList,
  items: T[],
  limit: number,
  positionOf: (item: T) => P,
): { items: T[]; nextCursor: string | null } {
  return pageAfter(list, items.slice(0, limit), items.length > limit, positionOf);
}

/** A page whose list says itself whether `more` items follow it: the cursor after its last item. */
export function pageAfter<T, P>(
  list: PagedList,
  items: T[],
  more: boolean,
  positionOf: (item: T) => P,
): { items: T[]; nextCursor: string | null } {
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      more && last ? encodeCursor({ list: listKey(list), after: positionOf(last) }) : null,
  };
}

export function createdPosition(item: { createdAt: string; id: string }): CreatedPosition {
  return { createdAt: item.createdAt, id: item.id };
}

function pageRequest<P>(list: PagedList, query: PageQuery, position: z.ZodType<P>): PageRequest<P> {
  const limit = query.limit + 1;
  if (query.cursor === undefined) return { limit };
  const cursor = z.object({ list: z.literal(listKey(list)), after: position });
  const decoded = cursor.safeParse(decodeCursor(query.cursor));
  if (!decoded.success) {
    throw new Problem(422, "invalid-cursor", "cursor is not a nextCursor of this list");
  }
  return { limit, after: decoded.data.after };
}

/** Ids are generated (`a_…`, `t_…`) and never hold a "/", so the joined key names one list. */
function listKey(list: PagedList): string {
  return list.join("/");
}

function encodeCursor(position: unknown): string {
  return bytesToBase64Url(new TextEncoder().encode(JSON.stringify(position)));
}

function decodeCursor(cursor: string): unknown {
  try {
    const bytes = base64UrlToBytes(cursor);
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return undefined;
  }
}
