/**
 * The end of every job that trains: write the head to KV under a new immutable version, then record
 * it in one transaction (with whatever else the job commits), activate it if asked or if it is the
 * adapter's first, and mark the job succeeded. The caller then writes the adapter's serving record.
 */

import type { AdapterHeadType, TrainingReport } from "../../adapters";
import { now } from "../storage/clock";
import { deleteHeadVersion, headKey, writeActivePointer, writeHeadVersion } from "../storage/heads";
import type { JobRecord } from "../storage/records";
import type { TenantState } from "../storage/tenant-state";

export interface PublishContext {
  state: TenantState;
  heads: KVNamespace;
  tenantId: string;
}

export interface Publication {
  /** The serialized head (adapters' `TrainedHead.serialize()`). */
  head: Uint8Array;
  headType: AdapterHeadType;
  report: TrainingReport;
  activate: boolean;
  /** Runs first inside the transaction that records the version (e.g. a backbone switch). */
  commit?: (state: TenantState) => void;
}

export async function publishVersion(
  context: PublishContext,
  job: JobRecord,
  publication: Publication,
): Promise<number> {
  const { state, heads, tenantId } = context;
  const { head: bytes, headType, report } = publication;
  const number = state.adapters.reserveVersion(job.adapterId);
  const key = headKey(tenantId, job.adapterId, number);
  await writeHeadVersion(heads, { key, bytes, report, headType });
  const activated = await recordOrForget(heads, key, () =>
    state.transaction(() => {
      publication.commit?.(state);
      // Re-read: the adapter may have been rolled back or deleted while the head was training.
      const current = state.adapters.get(job.adapterId);
      state.versions.add({
        adapterId: current.id,
        version: number,
        binding: {
          backbone: current.backbone,
          weightsHash: current.weightsHash,
          layer: current.layer,
        },
        jobId: job.id,
        headType,
        headKey: key,
        headBytes: bytes.byteLength,
        report,
        createdAt: now(),
      });
      const activate = publication.activate || current.activeVersion === null;
      if (activate) state.adapters.activate(current.id, number);
      // Activated, or rebound to another backbone: the adapter's serving record is to be written again.
      state.serving.mark({ kind: "adapter", tenantId, adapterId: current.id });
      state.jobs.succeed(job.id, number, now());
      return activate;
    }),
  );
  if (activated) await writeActivePointer(heads, tenantId, job.adapterId, number);
  return number;
}

/**
 * Runs the transaction that records the head written at `key`; if it is refused (a switch whose
 * samples changed, the tenant deleted meanwhile), deletes the head again before passing the
 * refusal on, so that no KV head outlives every record of it.
 */
async function recordOrForget<T>(heads: KVNamespace, key: string, record: () => T): Promise<T> {
  try {
    return record();
  } catch (error) {
    await deleteHeadVersion(heads, key);
    throw error;
  }
}
