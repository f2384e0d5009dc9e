/**
 * Selection jobs, run inside the tenant's Durable Object: read the adapter's retained raw samples,
 * measure every candidate backbone of its modality on them (src/selection), and store the ranked
 * report with the job. Nothing about the adapter changes; applying the result is a switch job.
 */

import { resolveCutLayer } from "../../models/cut-layer";
import { selectBackbone } from "../selection/select-backbone";
import { now } from "../storage/clock";
import type { JobOf } from "../storage/records";
import type { BackboneJobContext } from "./backbone-jobs";
import { failureOf } from "./failure";
import { readRetainedSamples } from "./retained-samples";

export async function runSelectionJob(
  context: BackboneJobContext,
  job: JobOf<"selection">,
): Promise<void> {
  const { state } = context;
  state.jobs.start(job.id, now());
  try {
    const adapter = state.adapters.get(job.adapterId);
    const pool = context.backbones();
    const current = pool.manifest(adapter.backbone);
    state.jobs.progress(job.id, { stage: "read", fraction: 0, message: "reading raw samples" });
    const samples = await readRetainedSamples(
      context.rawSamples,
      state.samples.rawSamples(adapter.id),
      current.modality,
    );
    const report = await selectBackbone({
      pool,
      modality: current.modality,
      current: {
        backbone: adapter.backbone,
        layer: resolveCutLayer(current, adapter.layer ?? undefined).name,
      },
      samples,
      request: job.request,
      onProgress: (fraction, message) =>
        state.jobs.progress(job.id, { stage: "select", fraction, message }),
    });
    state.jobs.succeedWithReport(job.id, report, now());
  } catch (error) {
    state.jobs.fail(job.id, failureOf(error, job.kind), now());
  }
}
