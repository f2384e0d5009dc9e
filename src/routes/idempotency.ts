/**
 * `Idempotency-Key` on the requests that start a job (train, select, select/apply), after the IETF
 * httpapi draft: a client that lost the answer to its request (a dropped connection, a timeout, a
 * restart) sends it again with the same key and gets the job the first one started, not a second
 * one. A key is kept with its job, per adapter; the same key with another request is refused (422).
 */

import type { Context } from "hono";
import { Problem } from "../problem";
import type { Idempotency } from "../storage/jobs-table";
import { unwrap } from "../storage/outcome";
import type { JobKind, JobRecord } from "../storage/records";
import type { TenantStoreClient } from "../tenants/stores";

/** Visible ASCII, as the draft's examples (a UUID, say); no spaces, at most 255. */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/**
 * The header as the routes' OpenAPI documents it: a parameter of the document only, not a request
 * schema, which would make typed clients pass `header: {}` on every call; idempotencyOf checks it.
 */
export const IDEMPOTENCY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes the request safe to repeat: the same key with the same body answers the job it started (202), whatever its status now; with another body, or for another kind of job, 422 idempotency-key-reused.",
  schema: { type: "string", pattern: KEY_SHAPE.source, maxLength: 255 },
  example: "5f0c6d1e-8a43-4b7e-9a51-2c8f3e4d7a90",
} as const;

/** The request's key with its body, or undefined without the header. */
export function idempotencyOf(c: Context, body: unknown): Idempotency | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!KEY_SHAPE.test(key)) {
    const message = "1 to 255 visible ASCII characters, no spaces (a UUID, say)";
    throw new Problem(422, "invalid-request", `Idempotency-Key: ${message}`, {
      issues: [{ path: "Idempotency-Key", message }],
    });
  }
  return { key, body: JSON.stringify(body ?? {}) };
}

/**
 * The job an earlier request with this key started, if any: answered as it was (202), before the
 * checks a repeated request could fail since (the adapter switched, its samples changed).
 */
export async function earlierJob(
  store: TenantStoreClient,
  adapterId: string,
  kind: JobKind,
  idempotency: Idempotency | undefined,
): Promise<JobRecord | null> {
  if (!idempotency) return null;
  return unwrap(await store.replayedJob(adapterId, kind, idempotency));
}
