/**
 * Storing a batch of labelled samples: hash each one, embed only the contents the adapter does not
 * hold yet (each once; a finetune adapter's also at the cut, kept in R2), keep their raw bytes in R2
 * when the tenant retains uploads, then insert them
 * in one transaction of the tenant's object, which deduplicates again against concurrent uploads.
 */

import type { BackboneInput } from "../../models";
import { sniffFormat } from "../../models/image";
import { sha256Hex } from "../digests";
import { Problem } from "../problem";
import type { RawInput } from "../runtime/backbone-inputs";
import type { BackbonePool } from "../runtime/backbones";
import { unwrap } from "../storage/outcome";
import {
  deleteRawPrefix,
  deleteRawSamples,
  rawAdapterPrefix,
  rawSampleKey,
} from "../storage/raw-samples";
import type { AdapterRecord, NewSample, SampleOutcome } from "../storage/records";
import type { KnownSample } from "../storage/samples-table";
import type { TenantContext } from "./context";
import { embedAndKeepCut } from "./cut-activations";
import { trainableTopOf } from "./finetune-top";

/** One uploaded sample: as sent (for its hash and raw bytes), preprocessed for the backbone, labelled. */
export interface UploadedSample {
  raw: RawInput;
  input: BackboneInput;
  label: string;
}

interface HashedSample extends UploadedSample {
  hash: string;
}

/** Stores the samples and returns, in request order, each one's id and whether it was new. */
export async function storeSamples(
  tenant: TenantContext,
  adapter: AdapterRecord,
  pool: BackbonePool,
  bucket: R2Bucket,
  uploads: UploadedSample[],
): Promise<SampleOutcome[]> {
  const samples = await Promise.all(
    uploads.map(async (upload) => ({ ...upload, hash: await sha256Hex(contentOf(upload.raw)) })),
  );
  const hashes = samples.map((sample) => sample.hash);
  const known = unwrap(await tenant.store.knownSamples(adapter.id, hashes));
  const outcomes = new Map<string, SampleOutcome>(
    known.map(({ contentHash, id, label }) => [contentHash, { status: "duplicate", id, label }]),
  );

  const fresh = distinctBy(samples.filter((sample) => !outcomes.has(sample.hash)));
  const newSamples = await prepare(tenant, adapter, pool, bucket, fresh);
  const inserted = await tenant.store.addSamples(adapter.id, newSamples, {
    backbone: adapter.backbone,
    weightsHash: adapter.weightsHash,
    layer: adapter.layer,
  });
  if (!inserted.ok) await forgetRefusedRaw(tenant, adapter, bucket, newSamples);
  const stored = unwrap(inserted);
  // Only once the upload is accepted: a refused one stores nothing.
  if (tenant.retainRawSamples) await keepRawOfKnown(tenant, adapter, bucket, samples, known);
  for (const [index, sample] of newSamples.entries()) {
    outcomes.set(sample.contentHash, stored[index] as SampleOutcome);
  }
  return inRequestOrder(samples, outcomes);
}

/**
 * One outcome per request item; a content repeated within the request is a duplicate of its first,
 * stored under the first one's label.
 */
function inRequestOrder(
  samples: HashedSample[],
  outcomes: Map<string, SampleOutcome>,
): SampleOutcome[] {
  const firstLabel = new Map<string, string>();
  return samples.map(({ hash, label }) => {
    const outcome = outcomes.get(hash) as SampleOutcome;
    const first = firstLabel.get(hash);
    if (first === undefined) {
      firstLabel.set(hash, label);
      return outcome;
    }
    return {
      status: "duplicate",
      id: outcome.id,
      label: outcome.status === "duplicate" ? outcome.label : first,
    };
  });
}

/**
 * Embeds the new samples in one backbone call and keeps their raw bytes when the tenant wants that.
 * Raw bytes go first, so a stored sample always has them; if the insert is then refused (a limit),
 * forgetRefusedRaw removes them again.
 */
async function prepare(
  tenant: TenantContext,
  adapter: AdapterRecord,
  pool: BackbonePool,
  bucket: R2Bucket,
  fresh: HashedSample[],
): Promise<NewSample[]> {
  if (fresh.length === 0) return [];
  // A finetune adapter's samples keep their cut activations too (same backbone pass), while its
  // backbone has a top (after a switch to one without, it trains frozen heads only).
  const { embeddings } =
    adapter.headType === "finetune" && trainableTopOf(pool, adapter)
      ? await embedAndKeepCut(pool, bucket, tenant.id, adapter, fresh)
      : await pool.embed(
          adapter.backbone,
          fresh.map((sample) => sample.input),
          adapter.layer ?? undefined,
        );
  return Promise.all(
    fresh.map(async (sample, index) => ({
      label: sample.label,
      contentHash: sample.hash,
      embedding: embeddings[index] as Float32Array,
      rawKey: tenant.retainRawSamples ? await keepRaw(bucket, tenant.id, adapter.id, sample) : null,
    })),
  );
}

/**
 * Samples the adapter holds without their raw upload (sent while the tenant did not retain uploads)
 * keep it when sent again, so that the adapter can be embedded by another backbone after all.
 */
async function keepRawOfKnown(
  tenant: TenantContext,
  adapter: AdapterRecord,
  bucket: R2Bucket,
  samples: HashedSample[],
  known: KnownSample[],
): Promise<void> {
  const unkept = new Map(known.filter((k) => !k.retained).map((k) => [k.contentHash, k.label]));
  const resent = distinctBy(samples.filter((sample) => unkept.has(sample.hash)));
  if (resent.length === 0) return;
  const kept = await Promise.all(
    resent.map(async (sample) => ({
      contentHash: sample.hash,
      // Under the label it is stored with, not the one sent now.
      rawKey: await keepRaw(bucket, tenant.id, adapter.id, {
        ...sample,
        label: unkept.get(sample.hash) as string,
      }),
    })),
  );
  const recorded = await tenant.store.retainSamples(adapter.id, kept);
  // Deleted meanwhile: what was written under its prefix goes too (see forgetRefusedRaw).
  if (!recorded.ok) await deleteRawPrefix(bucket, rawAdapterPrefix(tenant.id, adapter.id));
  unwrap(recorded);
}

/**
 * After a refused insert: deletes the raw objects this upload wrote, except those of contents the
 * adapter holds by now (a concurrent upload of the same content may have stored them meanwhile).
 * When the adapter (or its tenant) is gone, it was deleted while this upload embedded and wrote,
 * maybe after the deletion swept its R2 prefix: the prefix is swept again, cut activations included.
 */
async function forgetRefusedRaw(
  tenant: TenantContext,
  adapter: AdapterRecord,
  bucket: R2Bucket,
  refused: NewSample[],
): Promise<void> {
  const written = refused.filter((sample) => sample.rawKey !== null);
  const known = await tenant.store.knownSamples(
    adapter.id,
    written.map((sample) => sample.contentHash),
  );
  if (!known.ok) return deleteRawPrefix(bucket, rawAdapterPrefix(tenant.id, adapter.id));
  const kept = new Set(known.value.map((sample) => sample.contentHash));
  await deleteRawSamples(
    bucket,
    written
      .filter((sample) => !kept.has(sample.contentHash))
      .map((sample) => sample.rawKey as string),
  );
}

async function keepRaw(
  bucket: R2Bucket,
  tenantId: string,
  adapterId: string,
  sample: HashedSample,
): Promise<string> {
  const key = rawSampleKey(tenantId, adapterId, sample.hash);
  const contentType =
    sample.raw.kind === "text"
      ? "text/plain; charset=utf-8"
      : `image/${sniffFormat(sample.raw.bytes)}`;
  await bucket.put(key, contentOf(sample.raw), {
    httpMetadata: { contentType },
    customMetadata: { label: sample.label },
  });
  return key;
}

/** A stored sample's raw upload, as kept in R2, with its content type. */
export async function readRawSample(
  tenant: TenantContext,
  bucket: R2Bucket,
  adapterId: string,
  sampleId: string,
): Promise<{ body: ReadableStream; contentType: string }> {
  const sample = unwrap(await tenant.store.getSample(adapterId, sampleId));
  const object = sample.rawKey === null ? null : await bucket.get(sample.rawKey);
  if (object === null) {
    throw new Problem(
      404,
      "raw-sample-not-retained",
      "this sample's upload was not kept (the tenant does not retain raw uploads)",
    );
  }
  return {
    body: object.body,
    contentType: object.httpMetadata?.contentType ?? "application/octet-stream",
  };
}

/** What makes two samples the same: the exact text, or the exact image bytes. */
function contentOf(input: RawInput): string | Uint8Array {
  return input.kind === "text" ? input.text : input.bytes;
}

function distinctBy(samples: HashedSample[]): HashedSample[] {
  const byHash = new Map<string, HashedSample>();
  for (const sample of samples) if (!byHash.has(sample.hash)) byHash.set(sample.hash, sample);
  return [...byHash.values()];
}
