/**
 * Fusion through the public API (issue 11): a fresh tenant on `wrangler dev`, the same ~200
 * SpamAssassin messages uploaded to an adapter on `lexical+use-lite` and to one on `use-lite`,
 * each trained by a training job, then a fixed held-out test set predicted through /predict.
 * Next to each, the in-process figure for the same split: the same backbones on the Node host and
 * trainHead (the TrainingRun the job advances). Returns the markdown section.
 */

import { trainHead } from "../../adapters";
import { isFusionId } from "../../models/fusion";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { concatenated } from "../../src/selection/selection-run";
import { testScores } from "../heads/bench-heads";
import { ADMIN_TOKEN, BenchApi, type TenantAdapter } from "../tenants/api";
import type { Sample } from "../tenants/texts";
import { withWranglerDev } from "../wrangler-dev";
import { type FusionSplit, spamSplit } from "./split";

const BACKBONES = ["lexical+use-lite", "use-lite"] as const;
const LABELS = ["ham", "spam"];
/** /predict's most inputs per request (src/limits.ts maxEmbedBatch). */
const PREDICT_BATCH = 32;
const SEED = 0;
/** Samples per upload request: a fusion's request embeds each with both backbones. */
const UPLOAD_BATCH = 16;

interface Scores {
  accuracy: number;
  macroF1: number;
}

interface BackboneResult {
  backbone: string;
  api: Scores & { trainMs: number };
  inProcess: Scores;
}

export async function benchFusion({
  trainPerClass = Number(process.env.FUSION_TRAIN_PER_CLASS ?? 100),
  testPerClass = Number(process.env.FUSION_TEST_PER_CLASS ?? 200),
  port = 8793,
} = {}): Promise<string> {
  const split = spamSplit(trainPerClass, testPerClass);
  const inProcess = await inProcessScores(split);
  const results = await withWranglerDev({ port }, async ({ url }) => {
    const api = new BenchApi(url);
    // use-lite's cold load is no adapter's cost; and uploads racing it have lost their connection.
    await api.embedder(split.test[0]?.input ?? "warm up")();
    const tenant = await createTenant(api);
    const measured: BackboneResult[] = [];
    for (const backbone of BACKBONES) {
      console.error(`fusion bench: ${backbone} through the API`);
      measured.push({
        backbone,
        api: await throughApi(api, tenant, backbone, split),
        inProcess: inProcess.get(backbone) as Scores,
      });
    }
    return measured;
  });
  const pct = (value: number) => (100 * value).toFixed(1);
  return [
    "## Fusion through the public API",
    "",
    `SpamAssassin spam vs ham: ${split.train.length} distinct messages uploaded (${trainPerClass} per class, subject + the first 600 characters of the body) to a fresh tenant on \`wrangler dev\`, one adapter per backbone (logistic head, training job with seed ${SEED}); a fixed held-out test set of ${split.test.length} other messages (${testPerClass} per class) predicted through \`POST /v1/adapters/{id}/predict?abstain=false\`. In process: the same split, the same backbones on the Node host, trainHead (the TrainingRun the job advances) with the same seed. Accuracy and macro-F1 in %. Target: macro-F1 ≥ 96 with ≤ 200 samples.`,
    "",
    "| backbone | API accuracy | API macro-F1 | in-process accuracy | in-process macro-F1 | training job, wall clock |",
    "|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.backbone} | ${pct(r.api.accuracy)} | ${pct(r.api.macroF1)} | ${pct(r.inProcess.accuracy)} | ${pct(r.inProcess.macroF1)} | ${(r.api.trainMs / 1000).toFixed(1)} s |`,
    ),
    "",
  ].join("\n");
}

async function createTenant(api: BenchApi): Promise<{ tenantId: string; key: string }> {
  const admin = `Bearer ${ADMIN_TOKEN}`;
  const tenant = await api.json<{ id: string }>("POST", "/v1/tenants", admin, {
    name: "fusion-bench",
  });
  const { key } = await api.json<{ key: string }>("POST", `/v1/tenants/${tenant.id}/keys`, admin);
  return { tenantId: tenant.id, key };
}

async function throughApi(
  api: BenchApi,
  tenant: { tenantId: string; key: string },
  backbone: string,
  split: FusionSplit,
): Promise<Scores & { trainMs: number }> {
  const auth = `Bearer ${tenant.key}`;
  const adapter = await api.json<{ id: string }>("POST", "/v1/adapters", auth, {
    name: `spam on ${backbone}`,
    backbone,
    headType: "logistic",
  });
  const target: TenantAdapter = { ...tenant, adapterId: adapter.id };
  await upload(api, target, split.train);
  const started = performance.now();
  await api.train(target, { seed: SEED });
  const trainMs = performance.now() - started;
  const predicted: string[] = [];
  for (let start = 0; start < split.test.length; start += PREDICT_BATCH) {
    const batch = split.test.slice(start, start + PREDICT_BATCH);
    const answer = await api.json<{ predictions: { label: string }[] }>(
      "POST",
      `/v1/adapters/${adapter.id}/predict?abstain=false`,
      auth,
      { inputs: batch.map((sample) => sample.input) },
    );
    predicted.push(...answer.predictions.map((p) => p.label));
  }
  return { ...scoresOf(split.test, predicted), trainMs };
}

/**
 * The training samples in small requests (a fusion embeds each with both backbones on upload).
 * wrangler's dev proxy answers a POST whose hop failed with 503 (README, "npm start answers 503"),
 * or drops its connection: such a request is sent again; samples it had stored come back as
 * duplicates, so none is lost or counted twice.
 */
async function upload(api: BenchApi, target: TenantAdapter, samples: Sample[]): Promise<void> {
  const auth = `Bearer ${target.key}`;
  let stored = 0;
  for (let start = 0; start < samples.length; start += UPLOAD_BATCH) {
    const batch = samples.slice(start, start + UPLOAD_BATCH);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await api.json<{ samples: unknown[] }>(
          "POST",
          `/v1/adapters/${target.adapterId}/samples`,
          auth,
          { samples: batch },
        );
        stored += result.samples.length;
        break;
      } catch (error) {
        const lost = String(error).includes(": 503 ") || String(error).includes("fetch failed");
        if (attempt >= 3 || !lost) throw error;
      }
    }
  }
  if (stored !== samples.length) {
    throw new Error(`fusion bench: ${stored} of ${samples.length} samples were stored`);
  }
}

/**
 * Each backbone's scores on the split in process: Node host embeddings (each part embedded once, a
 * fusion's vectors its parts' side by side, as BackbonePool.embed builds them), trainHead, the test set.
 */
async function inProcessScores(split: FusionSplit): Promise<Map<string, Scores>> {
  const pool = new BackbonePool(await nodeHost());
  const embedded = new Map<string, { train: Float32Array[]; test: Float32Array[] }>();
  const embed = async (id: string) => {
    const known = embedded.get(id);
    if (known) return known;
    const vectors = async (samples: Sample[]) =>
      (
        await pool.embed(
          id,
          samples.map((sample) => ({ kind: "text" as const, text: sample.input })),
        )
      ).embeddings;
    const both = { train: await vectors(split.train), test: await vectors(split.test) };
    embedded.set(id, both);
    return both;
  };
  const scores = new Map<string, Scores>();
  for (const backbone of BACKBONES) {
    console.error(`fusion bench: ${backbone} in process`);
    const parts = await Promise.all(
      (isFusionId(backbone)
        ? pool.fusion(backbone).parts.map((p) => p.manifest.id)
        : [backbone]
      ).map(embed),
    );
    const side = (which: "train" | "test") =>
      (parts[0]?.[which] ?? []).map((_, i) =>
        fused(parts.map((part) => part[which][i] as Float32Array)),
      );
    const train = side("train");
    const { head } = await trainHead({
      headType: "logistic",
      backbone: backboneRef(pool, backbone, train[0]?.length ?? 0),
      samples: train.map((features, i) => ({
        features,
        label: split.train[i]?.label as string,
        hash: String(i),
      })),
      options: { seed: SEED },
    });
    const predicted = head.predict(side("test"), { abstain: false, topK: 1 }).map((p) => p.label);
    scores.set(backbone, scoresOf(split.test, predicted));
  }
  return scores;
}

/** One sample's vector: its only part's, or two parts' side by side. */
function fused([first, second]: Float32Array[]): Float32Array {
  return second ? concatenated(first as Float32Array, second) : (first as Float32Array);
}

/** What the API pins an adapter's head to: a fusion's blocks too (so they are balanced alike). */
function backboneRef(pool: BackbonePool, id: string, dim: number) {
  const { weightsHash } = pool.served(id);
  const blocks = isFusionId(id) ? pool.fusion(id).blocks : undefined;
  return { id, weightsHash, dim, ...(blocks ? { blocks } : {}) };
}

function scoresOf(truth: Sample[], predicted: string[]): Scores {
  return testScores(
    truth.map((sample) => sample.label),
    predicted,
    LABELS,
  );
}
