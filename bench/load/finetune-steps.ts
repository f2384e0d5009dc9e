/**
 * `npx tsx bench/load/finetune-steps.ts [--url http://127.0.0.1:8787]`: how a finetune training
 * shares the isolate with serving. One tenant uploads 60 Fashion-MNIST pictures of each of 3 classes
 * to a MobileNetV2 adapter with a `finetune` head and trains it (8 epochs at most); another tenant's
 * use-lite adapter answers predictions, one at a time, and a client asks `/healthz` every 100 ms,
 * first with nothing else running, then while the finetune runs. Without `--url` it starts
 * `npm start`'s server on a fresh state (port 8854); with it, it drives a server already running
 * (an older commit's, for a side-by-side figure).
 */

import { setTimeout as sleep } from "node:timers/promises";
import { encode as encodePng } from "fast-png";
import { fashionMnist } from "../datasets/fashion-mnist";
import { spamAssassin } from "../datasets/spam-assassin";
import { percentile } from "../stats";
import { ADMIN_TOKEN, BenchApi, type TenantAdapter } from "../tenants/api";
import { printMeasured } from "../wrangler-dev";
import type { Job } from "./training";

const CLASSES = ["t-shirt", "trouser", "sneaker"];
const PICTURES_PER_CLASS = 60;
const UPLOAD_BATCH = 60;
const FINETUNE = { seed: 9, hyperparameters: { maxEpochs: 8, patience: 3 } };
const IDLE_REQUESTS = 50;
const HEALTH_EVERY_MS = 100;
const JOB_POLL_MS = 500;

await printMeasured(8854, measure);

async function measure(url: string): Promise<string[]> {
  const api = new BenchApi(url);
  const served = await servedAdapter(api);
  const finetuned = await finetuneAdapter(api);
  const idle = await whileRunning(api, served, async () => {
    await sleep(IDLE_REQUESTS * 60);
  });
  let job: Job | undefined;
  const busy = await whileRunning(api, served, async () => {
    job = await followed(api, finetuned);
  });
  const { wall, steps } = job as Job & { wall: number };
  return [
    `finetune of ${CLASSES.length * PICTURES_PER_CLASS} pictures (${JSON.stringify(FINETUNE)}): ${wall.toFixed(1)} s, ${steps?.steps} steps, longest ${steps?.maxStepMs} ms, compute ${steps?.computeMs} ms`,
    "",
    "| meanwhile | use-lite predict: median / p95 ms (n) | /healthz: median / p95 ms (n) |",
    "|---|---|---|",
    `| nothing | ${idle.predict} | ${idle.health} |`,
    `| the finetune | ${busy.predict} | ${busy.health} |`,
  ];
}

/** A use-lite adapter of another tenant, trained, to predict from. */
async function servedAdapter(api: BenchApi): Promise<TenantAdapter> {
  const target = await api.createTenantAdapter("served");
  const { texts, groups } = spamAssassin();
  const labelled = texts.map((input, i) => ({
    input,
    label: groups[i]?.startsWith("spam") ? ("spam" as const) : ("ham" as const),
  }));
  const samples = (["spam", "ham"] as const).flatMap((label) =>
    labelled.filter((sample) => sample.label === label).slice(0, 20),
  );
  await api.upload(target, samples);
  await api.train(target);
  return target;
}

/** A MobileNetV2 adapter with a finetune head and its pictures. */
async function finetuneAdapter(api: BenchApi): Promise<TenantAdapter> {
  const admin = `Bearer ${ADMIN_TOKEN}`;
  const tenant = await api.json<{ id: string }>("POST", "/v1/tenants", admin, { name: "finetune" });
  const { key } = await api.json<{ key: string }>("POST", `/v1/tenants/${tenant.id}/keys`, admin);
  const adapter = await api.json<{ id: string }>("POST", "/v1/adapters", `Bearer ${key}`, {
    name: "fashion",
    backbone: "mobilenet-v2",
    headType: "finetune",
  });
  const { images, labels } = await fashionMnist("train", 2_000);
  const picked: { input: { image: string }; label: string }[] = [];
  const taken = new Map<string, number>();
  labels.forEach((label, i) => {
    const image = images[i];
    const count = taken.get(label) ?? 0;
    if (!image || !CLASSES.includes(label) || count >= PICTURES_PER_CLASS) return;
    taken.set(label, count + 1);
    const png = encodePng({
      width: image.width,
      height: image.height,
      data: image.data as Uint8Array,
      channels: 3,
    });
    picked.push({ input: { image: Buffer.from(png).toString("base64") }, label });
  });
  for (let start = 0; start < picked.length; start += UPLOAD_BATCH) {
    await api.json("POST", `/v1/adapters/${adapter.id}/samples`, `Bearer ${key}`, {
      samples: picked.slice(start, start + UPLOAD_BATCH),
    });
  }
  return { tenantId: tenant.id, key, adapterId: adapter.id };
}

async function followed(api: BenchApi, target: TenantAdapter): Promise<Job & { wall: number }> {
  const auth = `Bearer ${target.key}`;
  const started = performance.now();
  let job = await api.json<Job>("POST", `/v1/adapters/${target.adapterId}/train`, auth, FINETUNE);
  while (job.status === "queued" || job.status === "running") {
    await sleep(JOB_POLL_MS);
    job = await api.json<Job>("GET", `/v1/jobs/${job.id}`, auth);
  }
  if (job.status !== "succeeded") throw new Error(`finetune: job ${job.id} ${job.status}`);
  return { ...job, wall: (performance.now() - started) / 1000 };
}

/** Predictions one after another and /healthz every 100 ms while `work` runs. */
async function whileRunning(
  api: BenchApi,
  served: TenantAdapter,
  work: () => Promise<void>,
): Promise<{ predict: string; health: string }> {
  const predicts: number[] = [];
  const health: number[] = [];
  let running = true;
  const timed = async (into: number[], request: () => Promise<Response>) => {
    const asked = performance.now();
    const response = await request();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    into.push(performance.now() - asked);
  };
  const predictor = (async () => {
    for (let i = 0; running; i++) {
      await timed(predicts, () =>
        fetch(`${api.url}/v1/adapters/${served.adapterId}/predict`, {
          method: "POST",
          headers: { authorization: `Bearer ${served.key}`, "content-type": "application/json" },
          body: JSON.stringify({ inputs: [`win a free cruise now, reply ${i}`] }),
        }),
      );
    }
  })();
  const prober = (async () => {
    while (running) {
      await timed(health, () => fetch(`${api.url}/healthz`));
      await sleep(HEALTH_EVERY_MS);
    }
  })();
  await work();
  running = false;
  await Promise.all([predictor, prober]);
  return { predict: summary(predicts), health: summary(health) };
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p).toFixed(0);
  return `${at(0.5)} / ${at(0.95)} (${sorted.length})`;
}
