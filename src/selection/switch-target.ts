/**
 * Where applying a selection moves an adapter: a named backbone (and cut layer), or a finished
 * selection job's recommendation; checked against what this deployment serves before a switch job
 * is queued, so a bad target is a 4xx now rather than a failed job later.
 */

import { isFusionId } from "../../models/fusion";
import { echoId, Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import { jobInProgress } from "../storage/jobs-table";
import type { AdapterRecord, JobRecord, SwitchRequest } from "../storage/records";
import { bindingFor } from "../tenants/adapter-backbone";

export interface SwitchTarget {
  backbone: string;
  layer?: string;
  selectionJobId?: string;
}

/** The recommendation of the given selection job, or of the adapter's latest finished one. */
export function recommendedTarget(
  adapterId: string,
  jobs: JobRecord[],
  jobId: string | undefined,
): SwitchTarget {
  const selections = jobs.filter((job) => job.kind === "selection" && job.adapterId === adapterId);
  // A newer selection still running would be passed over for an older one's recommendation.
  const running = jobId
    ? undefined
    : selections.find((job) => job.status === "queued" || job.status === "running");
  if (running) throw jobInProgress(adapterId, running);
  const selection = jobId
    ? selections.find((job) => job.id === jobId)
    : selections.find((job) => job.status === "succeeded");
  if (!selection) {
    throw new Problem(
      422,
      "no-selection",
      jobId
        ? `job ${echoId(jobId)} is not a selection of adapter "${adapterId}"`
        : `adapter "${adapterId}" has no finished selection; run POST /v1/adapters/${adapterId}/select or name a backbone`,
    );
  }
  const recommendation = selection.report?.recommendation;
  if (selection.status !== "succeeded" || !recommendation) {
    throw new Problem(
      422,
      "no-recommendation",
      `selection job "${selection.id}" has ${selection.status === "succeeded" ? "no candidate to recommend" : `not succeeded (${selection.status})`}`,
      { jobId: selection.id },
    );
  }
  return {
    backbone: recommendation.backbone,
    layer: recommendation.layer,
    selectionJobId: selection.id,
  };
}

/** The switch job's request for a target (a backbone or a fusion), refused when this adapter cannot move there. */
export function switchRequest(
  pool: BackbonePool,
  adapter: AdapterRecord,
  target: SwitchTarget,
  seed: number | undefined,
): SwitchRequest {
  const modality = pool.modality(adapter.backbone);
  const targetModality = pool.modality(target.backbone);
  if (targetModality !== modality) {
    throw new Problem(
      422,
      "wrong-modality",
      `backbone ${echoId(target.backbone)} embeds ${targetModality}s; adapter "${adapter.id}" holds ${modality}s`,
    );
  }
  const binding = bindingFor(pool, target.backbone, target.layer, { headType: adapter.headType });
  const currentLayer = isFusionId(adapter.backbone)
    ? null
    : (adapter.layer ?? pool.manifest(adapter.backbone).output.layer);
  if (
    binding.backbone === adapter.backbone &&
    binding.weightsHash === adapter.weightsHash &&
    binding.layer === currentLayer
  ) {
    const at = binding.layer === null ? binding.backbone : `${binding.backbone}/${binding.layer}`;
    throw new Problem(
      409,
      "already-on-backbone",
      `adapter "${adapter.id}" already uses ${at}; train it to get a new head`,
    );
  }
  return {
    ...binding,
    ...(seed === undefined ? {} : { seed }),
    ...(target.selectionJobId === undefined ? {} : { selectionJobId: target.selectionJobId }),
  };
}
