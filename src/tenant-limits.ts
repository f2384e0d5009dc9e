/**
 * The documented limits of the tenant API (the body size limit is the app-wide one in ./limits.ts).
 * A request over one gets a problem with the limit's name and value, so a client knows which it hit.
 */

import {
  LIMITS as HEAD_LIMITS,
  TRAINING_BUDGET,
  type TrainingWidth,
  trainingSamplesAllowed,
  trainingValues,
} from "../adapters";
import { Problem } from "./problem";

export const TENANT_LIMITS = {
  /** Samples in one upload request (the duplicate check binds one SQL parameter each; SQLite in a Durable Object takes 100). */
  samplesPerRequest: 64,
  /** Inputs in one predict request. */
  inputsPerPrediction: 64,
  /** Samples stored per adapter. */
  samplesPerAdapter: 5_000,
  /**
   * What one adapter's training may hold: dimension × (samples + 18 × labels + 4 × an MLP's hidden
   * units) values, so that its job stays within a Workers isolate's 128 MB (derived in
   * adapters/training-budget.ts). With 10 labels it binds before samplesPerAdapter above 1,619
   * dimensions (4,501 samples of MobileNetV2 1.4's 1,792), with 2 labels above 1,665 (2,012 of
   * lexical's 4,096), and with many labels.
   */
  trainingValues: TRAINING_BUDGET.values,
  /** Distinct labels per adapter: as many classes as a head can learn. */
  labelsPerAdapter: HEAD_LIMITS.maxClasses,
  /** Characters in one label. */
  labelLength: HEAD_LIMITS.maxLabelLength,
  /** Tenants of one deployment (the registry lists them all). */
  tenants: 10_000,
  adaptersPerTenant: 50,
  keysPerTenant: 10,
} as const;

export type TenantLimit = keyof typeof TENANT_LIMITS;

export function limitExceeded(
  limit: TenantLimit,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const max = TENANT_LIMITS[limit];
  return new Problem(422, "limit-exceeded", `${detail} (limit ${limit} = ${max})`, {
    limit,
    max,
    ...extensions,
  });
}

/**
 * Refuses what would make an adapter's training hold more than the training budget: `what` says
 * what would (an upload, a training, a switch), `dim` is the dimension it would train at, and
 * `hiddenUnits` an MLP's (0 for other heads, and for uploads: the head is chosen when training).
 */
export function assertTrainingBudget(
  counts: { samples: number } & TrainingWidth,
  dim: number,
  what: string,
): void {
  const { samples, labels, hiddenUnits = 0 } = counts;
  const values = trainingValues(samples, counts, dim);
  if (values <= TENANT_LIMITS.trainingValues) return;
  const allowed = trainingSamplesAllowed(counts, dim);
  const width =
    hiddenUnits > 0 ? ` and ${hiddenUnits} hidden unit${hiddenUnits === 1 ? "" : "s"}` : "";
  const hidden =
    hiddenUnits > 0 ? ` + ${TRAINING_BUDGET.samplesPerHiddenUnit} × ${hiddenUnits}` : "";
  throw limitExceeded(
    "trainingValues",
    `${what} would train on ${samples} samples of ${labels} labels${width} at ${dim} dimensions: ${dim} × (${samples} + ${TRAINING_BUDGET.samplesPerLabel} × ${labels}${hidden}) = ${values} values, more than a training may hold within a Worker's 128 MB; at ${dim} dimensions with ${labels} labels${width} that is ${allowed} samples`,
    {
      values,
      dimension: dim,
      samples,
      labels,
      ...(hiddenUnits > 0 ? { hiddenUnits } : {}),
      maxSamples: allowed,
    },
  );
}
