/**
 * Workers RPC keeps only the message of an exception thrown in a Durable Object, so a `Problem`
 * crosses the boundary as data: the object returns an `Outcome` and the Worker unwraps it.
 */

import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Problem } from "../problem";

export interface ProblemData {
  status: ContentfulStatusCode;
  slug: string;
  detail: string;
  extensions: Record<string, unknown>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: ProblemData };

/** Runs `work` inside the Durable Object and turns a thrown `Problem` into a returned one. */
export async function attempt<T>(work: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    const { status, slug, detail, extensions } = error;
    return { ok: false, problem: { status, slug, detail, extensions } };
  }
}

/** In the Worker: the value, or the Durable Object's problem thrown again as a `Problem`. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { status, slug, detail, extensions } = outcome.problem;
  throw new Problem(status, slug, detail, extensions);
}
