/**
 * MobileNetV2 through `POST /v1/embed`, the same requests for every host and runtime: 128×128 PNGs
 * (decoded and preprocessed by the runtime, as in production), batch 1 and 16, timed by the client.
 */

import { picturePng, toBase64 } from "../../test/fixtures/pictures";
import { type Latency, measure } from "../stats";
import type { BatchRuns } from "./runs";

export type Post = (body: string) => Promise<void>;

export interface RequestRow {
  readonly backbone: string;
  readonly batch: number;
  readonly coldMs: number;
  readonly latency: Latency;
}

function body(backbone: string, batch: number): string {
  const inputs = Array.from({ length: batch }, (_, seed) => ({
    // 128×128: a batch of 16 within the per-request pixel budget (src/limits.ts).
    image: toBase64(picturePng(128, 128, seed)),
  }));
  return JSON.stringify({ backbone, inputs });
}

/** Cold = the first request (loads the backbone and starts its runtime); then each batch size. */
export async function timeRequests(
  backbone: string,
  post: Post,
  batches: readonly BatchRuns[],
): Promise<RequestRow[]> {
  const start = performance.now();
  await post(body(backbone, 1));
  const coldMs = performance.now() - start;
  const rows: RequestRow[] = [];
  for (const { batch, warmup, runs } of batches) {
    const request = body(backbone, batch);
    rows.push({
      backbone,
      batch,
      coldMs,
      latency: await measure(() => post(request), warmup, runs),
    });
  }
  return rows;
}

/** A poster that fails on anything but 200, so a broken run cannot pass for a fast one. */
export function poster(send: (body: string) => Promise<Response>): Post {
  return async (request) => {
    const response = await send(request);
    if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
}
