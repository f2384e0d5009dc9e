/**
 * Switch jobs move an adapter to another backbone (or cut layer): embed the retained raw samples
 * with it, train a head on those embeddings, then in one transaction replace the stored embeddings,
 * rebind the adapter and publish the head as a new, active version. Until that transaction nothing
 * changes, so a failure leaves the adapter serving its old head on its old backbone, and the old
 * versions stay listed (activating one needs the adapter back on its backbone: TenantStore).
 */

import { trainHead } from "../../adapters";
import { Problem } from "../problem";
import { embedRaw } from "../selection/embed-raw";
import { now } from "../storage/clock";
import type { BackboneBinding, JobOf } from "../storage/records";
import type { RawSampleRef } from "../storage/samples-table";
import type { TenantState } from "../storage/tenant-state";
import type { BackboneJobContext } from "./backbone-jobs";
import { failureOf } from "./failure";
import { publishVersion } from "./publish-version";
import { readRetainedSamples } from "./retained-samples";

export async function runSwitchJob(
  context: BackboneJobContext,
  job: JobOf<"switch">,
): Promise<void> {
  const { state, train = trainHead } = context;
  const target = job.request;
  state.jobs.start(job.id, now());
  try {
    const adapter = state.adapters.get(job.adapterId);
    const pool = context.backbones();
    const manifest = pool.manifest(target.backbone);
    if (manifest.weightsHash !== target.weightsHash) {
      throw new Problem(
        409,
        "backbone-changed",
        `${target.backbone} now serves other weights than the ones this switch was asked for`,
      );
    }
    const refs = state.samples.rawSamples(adapter.id);
    const samples = await readRetainedSamples(context.rawSamples, refs, manifest.modality);
    const raws = samples.map((sample) => sample.raw);
    const { vectors } = await embedRaw(pool, manifest, target.layer, raws, (embedded) =>
      state.jobs.progress(job.id, {
        stage: "embed",
        fraction: embedded / samples.length,
        message: `embedded ${embedded}/${samples.length} samples with ${target.backbone}/${target.layer}`,
      }),
    );
    const { head, report } = await train({
      headType: adapter.headType,
      backbone: { id: target.backbone, weightsHash: target.weightsHash, dim: target.dim },
      samples: refs.map((ref, i) => ({
        features: vectors[i] as Float32Array,
        label: ref.label,
        hash: ref.hash,
      })),
      options: target.seed === undefined ? {} : { seed: target.seed },
      onProgress: (progress) => state.jobs.progress(job.id, progress),
    });
    await publishVersion(context, job, {
      head,
      report,
      activate: true,
      commit: (current) => rebind(current, adapter.id, refs, vectors, target),
    });
  } catch (error) {
    state.jobs.fail(job.id, failureOf(error, job.kind), now());
  }
}

/** Stores the new embeddings and binding, refusing if samples came or went during the job. */
function rebind(
  state: TenantState,
  adapterId: string,
  embedded: RawSampleRef[],
  vectors: Float32Array[],
  binding: BackboneBinding,
): void {
  const held = state.samples.rawSamples(adapterId).map((sample) => sample.hash);
  if (held.join() !== embedded.map((sample) => sample.hash).join()) {
    throw new Problem(
      409,
      "samples-changed",
      "samples were added or deleted while the adapter switched backbones; start the switch again",
    );
  }
  state.samples.replaceEmbeddings(
    adapterId,
    new Map(embedded.map((sample, i) => [sample.hash, vectors[i] as Float32Array])),
  );
  state.adapters.rebind(adapterId, binding);
}
