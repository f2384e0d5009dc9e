/**
 * Closed-loop load: `concurrency` clients, each sending its next request as soon as the last one
 * has answered, for `durationMs`. The kinds take turns, so each gets a quarter of the requests.
 */

import { percentile } from "../stats";
import { failureOf, type Outcome, outcomeOf } from "./outcomes";
import { REQUEST_KINDS, type RequestKind, type SendRequest } from "./requests";

export interface LoadPhase {
  readonly concurrency: number;
  readonly durationMs: number;
  /** A request still unanswered after this long counts as a timeout. */
  readonly timeoutMs: number;
}

export interface KindLatency {
  readonly requests: number;
  /** Over the requests answered with 2xx, in ms. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** How many requests ended each way ("200", "503 dev proxy", "reset", "timeout", …). */
  readonly results: ReadonlyMap<string, number>;
  readonly serverErrors: number;
  readonly byKind: ReadonlyMap<RequestKind, KindLatency>;
}

export async function runLoad(send: SendRequest, phase: LoadPhase): Promise<LoadResult> {
  const outcomes = new Map<RequestKind, Outcome[]>(REQUEST_KINDS.map((kind) => [kind, []]));
  const started = performance.now();
  const end = started + phase.durationMs;
  let sequence = 0;

  async function client() {
    while (performance.now() < end) {
      const turn = sequence++;
      const kind = REQUEST_KINDS[turn % REQUEST_KINDS.length] as RequestKind;
      const sent = performance.now();
      const outcome = await send(kind, turn, AbortSignal.timeout(phase.timeoutMs)).then(
        (response) => outcomeOf(response, sent),
        (error: unknown) => failureOf(error, sent),
      );
      outcomes.get(kind)?.push(outcome);
    }
  }

  await Promise.all(Array.from({ length: phase.concurrency }, client));
  return summarise(outcomes, performance.now() - started);
}

function summarise(outcomes: Map<RequestKind, Outcome[]>, elapsedMs: number): LoadResult {
  const all = [...outcomes.values()].flat();
  const results = new Map<string, number>();
  for (const { result } of all) results.set(result, (results.get(result) ?? 0) + 1);
  const byKind = new Map(
    [...outcomes].map(([kind, list]) => {
      const times = list.filter((outcome) => outcome.ok).map((outcome) => outcome.ms);
      times.sort((a, b) => a - b);
      const latency: KindLatency = {
        requests: list.length,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        p99: percentile(times, 0.99),
      };
      return [kind, latency] as const;
    }),
  );
  return {
    requests: all.length,
    elapsedMs,
    results,
    serverErrors: all.filter((outcome) => outcome.serverError).length,
    byKind,
  };
}
