/**
 * Train-to-servable for 200 text samples on a new tenant: upload them (in requests of at most 64),
 * start training, and wait for the first prediction that answers with the new head version.
 */

import type { BenchApi } from "./api";
import type { Sample } from "./texts";

export interface Servable {
  readonly samplesStored: number;
  readonly uploadMs: number;
  /** POST …/train until the job is seen succeeded (polled every 50 ms). */
  readonly trainMs: number;
  /** From POST …/train to the first 200 from predict with the new version. */
  readonly trainToServableMs: number;
  /** Predictions after the job succeeded that failed or answered with an older version. */
  readonly earlyPredictions: number;
}

const SERVABLE_TIMEOUT_MS = 30_000;

export async function measureServable(
  api: BenchApi,
  samples: readonly Sample[],
  probe: string,
): Promise<Servable> {
  const target = await api.createTenantAdapter("bench-servable");
  const uploadStart = performance.now();
  const samplesStored = await api.upload(target, samples);
  const trainStart = performance.now();
  const version = await api.train(target);
  const trained = performance.now();
  const earlyPredictions = await firstPredictionWith(version, api.predictor(target, probe));
  return {
    samplesStored,
    uploadMs: trainStart - uploadStart,
    trainMs: trained - trainStart,
    trainToServableMs: performance.now() - trainStart,
    earlyPredictions,
  };
}

/** Predicts until the answer comes from `version`; returns how many answers came before it. */
async function firstPredictionWith(
  version: number,
  predict: () => Promise<{ version: number }>,
): Promise<number> {
  const deadline = performance.now() + SERVABLE_TIMEOUT_MS;
  for (let early = 0; performance.now() < deadline; early++) {
    const answer = await predict().catch((error: unknown) => console.error(String(error)));
    if (answer?.version === version) return early;
  }
  throw new Error(`version ${version} was not servable within ${SERVABLE_TIMEOUT_MS} ms`);
}
