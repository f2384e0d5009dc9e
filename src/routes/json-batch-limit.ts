/**
 * A JSON batch over its route's limit is 413 batch-too-large before its items are validated. zod
 * checks every item of an array before its length, and on 150,000 items of the wrong type it
 * overflowed its stack gathering their issues: a 500 from a 300 KB body.
 */

import type { MiddlewareHandler } from "hono";
import { assertBatchSize } from "../runtime/backbone-inputs";
import { isJson } from "./body-form";

/** Refuses a JSON body whose array `field` holds more than `limit` items. */
export function jsonBatchLimit(field: string, limit: number): MiddlewareHandler {
  return async (c, next) => {
    if (isJson(c.req.header("content-type"))) {
      // Parsed again by the route's validator from the same cached text; a body that is no JSON
      // is left to it, which says so.
      const body: unknown = await c.req.json().catch(() => undefined);
      const items =
        typeof body === "object" && body !== null ? Reflect.get(body, field) : undefined;
      if (Array.isArray(items)) assertBatchSize(items.length, limit);
    }
    await next();
  };
}
