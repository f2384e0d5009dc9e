/**
 * The training stage of a "finetune" head (adapters' FinetuneRun), after the training job's snapshot:
 *
 * 1. cut: the snapshot's activations at the backbone's cut into the runner, a page per step: read
 *    from R2 (kept when the samples were uploaded), or, for samples uploaded before the adapter
 *    trained a finetune head, computed again from their retained raw bytes (a few per step, like a
 *    switch's re-embedding) and kept in R2 for the next training.
 * 2. train: FinetuneRun advanced by about stepFlops per step. Its mini-batches are read from the
 *    runner's SQLite a few samples at a time (synchronous reads), so the activations are never all
 *    in memory; its checkpoint (the top's weights and Adam moments: megabytes) is stored by the
 *    runner in parts, like an MLP's.
 *
 * The result is the finetune head, or the frozen logistic head when no finetune candidate beat it
 * on validation (FinetuneRun's rule); either is published as a version like any head.
 */

import {
  type CutActivationSource,
  decodeActivationsInto,
  FinetuneRun,
  type FinetuneRunCheckpoint,
  finetuneRunOptions,
} from "../../adapters";
import { readTopWeights } from "../../models/trainable-top";
import { toBackboneInputs } from "../routes/inputs";
import {
  activationKey,
  type CutGeometry,
  cutGeometry,
  readActivations,
} from "../storage/cut-activations";
import type { JobProgress } from "../storage/jobs-table";
import type { RawSampleRef } from "../storage/samples-table";
import { adapterBackbone } from "../tenants/adapter-backbone";
import { embedAndKeepCut } from "../tenants/cut-activations";
import { finetuneTop } from "../tenants/finetune-top";
import { type HeadTrainingInput, TRAINING_SET } from "./head-training";
import type { JobContext, JobResult } from "./job-steps";
import { readRetainedSamples } from "./retained-samples";

/** Samples whose stored activations one step copies into the runner (~0.7 MB at 22 KB each). */
const CUT_PAGE = 32;
/** Samples one step embeds again from raw bytes: about 250 ms of MobileNetV2 on one core each. */
const EMBED_CHUNK = 4;

export interface FinetuneTrainingCheckpoint {
  stage: "cut" | "train";
  run: FinetuneRunCheckpoint | null;
}

export class FinetuneTraining {
  private stage: FinetuneTrainingCheckpoint["stage"];
  private run: FinetuneRun | null = null;
  private refs: Map<string, RawSampleRef> | null = null;

  constructor(
    private readonly context: JobContext,
    private readonly input: Omit<HeadTrainingInput, "headType">,
    private readonly resume: FinetuneTrainingCheckpoint | null,
  ) {
    this.stage = resume?.stage ?? "cut";
  }

  get done(): boolean {
    return this.run?.done ?? false;
  }

  get progress(): JobProgress {
    const { vectors } = this.context;
    if (this.stage === "cut") {
      const filled = vectors.countActivations();
      const total = Math.max(1, vectors.countVectors(TRAINING_SET));
      return {
        stage: "embed",
        fraction: 0.02 + 0.18 * (filled / total),
        message: `activations at the cut: ${filled} of ${total} samples`,
      };
    }
    if (!this.run) return { stage: "split", fraction: 0.2, message: "preparing" };
    const { stage, fraction, message } = this.run.progress;
    return { stage, fraction: 0.2 + 0.8 * fraction, message };
  }

  async step(): Promise<void> {
    if (this.stage === "cut") return this.copyActivations();
    return this.train();
  }

  checkpoint(): FinetuneTrainingCheckpoint {
    return { stage: this.stage, run: this.run?.checkpoint() ?? this.resume?.run ?? null };
  }

  result(): JobResult {
    if (!this.run) throw new Error("finetune training: not run");
    const result = this.run.result();
    // The report's headType says which of the two was published: "finetune" or "logistic".
    const { report } = result;
    const publication =
      result.kind === "finetune"
        ? { head: result.head.serialize(), headType: "finetune" as const }
        : { head: result.frozenHead, headType: "logistic" as const };
    return { kind: "head", publication: { ...publication, report, activate: this.input.activate } };
  }

  private top() {
    const pool = this.context.backbones();
    // Refused (409) if the backbone now serves other weights than the samples were embedded with.
    adapterBackbone(pool, this.context.adapter);
    const { manifest, top } = finetuneTop(pool, this.context.adapter);
    return { pool, manifest, top, geometry: cutGeometry(manifest, top) };
  }

  private async copyActivations(): Promise<void> {
    const { vectors, rawSamples, adapter, tenantId } = this.context;
    const { pool, manifest, geometry } = this.top();
    const filled = vectors.countActivations();
    const page = vectors.readVectors(TRAINING_SET, filled, CUT_PAGE);
    const keys = page.map(({ hash }) =>
      activationKey(tenantId, adapter.id, adapter.weightsHash, hash),
    );
    const stored = await readActivations(rawSamples, keys, geometry);
    // The page up to its (EMBED_CHUNK + 1)-th missing sample; the missing ones are embedded again.
    const missing: number[] = [];
    let end = 0;
    for (; end < page.length; end++) {
      if (stored[end]) continue;
      if (missing.length === EMBED_CHUNK) break;
      missing.push(end);
    }
    if (missing.length > 0) {
      this.refs ??= new Map(
        (await this.context.records.rawSampleRefs(adapter.id)).map((ref) => [ref.hash, ref]),
      );
      const refs = missing.map((i) => {
        const { hash, label } = page[i] as { hash: string; label: string };
        return this.refs?.get(hash) ?? { hash, label, rawKey: null };
      });
      const raws = await readRetainedSamples(rawSamples, refs, manifest.modality);
      const inputs = await toBackboneInputs(
        manifest,
        raws.map(({ raw }) => raw),
        EMBED_CHUNK,
      );
      const { encoded } = await embedAndKeepCut(
        pool,
        rawSamples,
        tenantId,
        adapter,
        inputs.map((input, k) => ({ input, hash: (refs[k] as RawSampleRef).hash })),
      );
      missing.forEach((i, k) => {
        stored[i] = encoded[k] as Uint8Array;
      });
    }
    vectors.appendActivations(stored.slice(0, end) as Uint8Array[]);
    if (filled + end >= vectors.countVectors(TRAINING_SET)) this.stage = "train";
  }

  private async train(): Promise<void> {
    if (!this.run) {
      const { pool, manifest, geometry } = this.top();
      const top = await readTopWeights(pool.files(manifest.id), manifest);
      const samples = this.context.vectors.readVectors(TRAINING_SET).map((sample) => ({
        features: sample.vector,
        label: sample.label,
        hash: sample.hash,
      }));
      this.run = new FinetuneRun(
        {
          backbone: this.input.backbone,
          top,
          samples,
          source: this.source(geometry),
          options: finetuneRunOptions(this.input.options),
        },
        this.resume?.run ?? undefined,
      );
    }
    this.run.advance(this.context.stepFlops);
  }

  /** Samples by snapshot position, decoded from the runner's rows a mini-batch at a time. */
  private source({ positions, channels }: CutGeometry): CutActivationSource {
    const sampleLength = positions * channels;
    const { vectors } = this.context;
    return {
      sampleLength,
      read(indices, out) {
        vectors.readActivations(indices).forEach((bytes, row) => {
          decodeActivationsInto(bytes, positions, channels, out, row * sampleLength);
        });
      },
    };
  }
}
