/**
 * `npx tsx bench/load/reembed-steps.ts [--url http://127.0.0.1:8787]`: how long the steps of the jobs
 * that re-embed texts take, and how long `/healthz` waits meanwhile. One tenant uploads 300 e-mails
 * of SpamAssassin (over 300 characters each), trains, runs a selection over use-lite and lexical, and
 * switches to use-lite's `encoder-mean`; a client asks `/healthz` every 100 ms while each job runs.
 * Without `--url` it starts `npm start`'s server on a fresh state (port 8853); with it, it drives a
 * server already running (e.g. an older commit's, for a side-by-side figure).
 */

import { setTimeout as sleep } from "node:timers/promises";
import { spamAssassin } from "../datasets/spam-assassin";
import { percentile } from "../stats";
import { BenchApi, type TenantAdapter } from "../tenants/api";
import type { Sample } from "../tenants/texts";
import { printMeasured } from "../wrangler-dev";
import type { Job } from "./training";

const SAMPLES_PER_LABEL = 150;
const MIN_CHARACTERS = 300;
const HEALTH_EVERY_MS = 100;
const JOB_POLL_MS = 500;

await printMeasured(8853, measure);

async function measure(url: string): Promise<string[]> {
  const api = new BenchApi(url);
  const target = await api.createTenantAdapter("reembed-steps");
  const samples = emails();
  const started = performance.now();
  await api.upload(target, samples);
  const uploadSeconds = (performance.now() - started) / 1000;
  const mean = samples.reduce((sum, sample) => sum + sample.input.length, 0) / samples.length;
  const adapter = `/v1/adapters/${target.adapterId}`;
  return [
    `upload of ${samples.length} e-mails (mean ${Math.round(mean)} characters): ${uploadSeconds.toFixed(1)} s`,
    "",
    "| job | wall s | steps | max step ms | compute ms | /healthz meanwhile: median / p95 / max ms (n) |",
    "|---|---:|---:|---:|---:|---|",
    await followed(api, target, "training", "POST", `${adapter}/train`, {}),
    await followed(api, target, "selection (use-lite, lexical)", "POST", `${adapter}/select`, {
      folds: 3,
      backbones: ["use-lite", "lexical"],
    }),
    await followed(
      api,
      target,
      "switch to use-lite/encoder-mean",
      "POST",
      `${adapter}/select/apply`,
      {
        backbone: "use-lite",
        layer: "encoder-mean",
      },
    ),
  ];
}

/** Texts long enough that their embedding, not the step's bookkeeping, sets a step's length. */
function emails(): Sample[] {
  const { texts, groups } = spamAssassin();
  const picked: Sample[] = [];
  const count = { spam: 0, ham: 0 };
  texts.forEach((text, i) => {
    const label = groups[i]?.startsWith("spam") ? "spam" : "ham";
    if (text.length < MIN_CHARACTERS || count[label] >= SAMPLES_PER_LABEL) return;
    count[label]++;
    picked.push({ input: text, label });
  });
  return picked;
}

async function followed(
  api: BenchApi,
  target: TenantAdapter,
  name: string,
  method: string,
  path: string,
  body: object,
): Promise<string> {
  const auth = `Bearer ${target.key}`;
  const started = performance.now();
  let job = await api.json<Job>(method, path, auth, body);
  const health: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      const asked = performance.now();
      await (await fetch(`${api.url}/healthz`)).arrayBuffer();
      health.push(performance.now() - asked);
      await sleep(HEALTH_EVERY_MS);
    }
  })();
  while (job.status === "queued" || job.status === "running") {
    await sleep(JOB_POLL_MS);
    job = await api.json<Job>("GET", `/v1/jobs/${job.id}`, auth);
  }
  running = false;
  await prober;
  if (job.status !== "succeeded") throw new Error(`${name}: job ${job.id} ${job.status}`);
  const wall = (performance.now() - started) / 1000;
  const steps = job.steps ?? { steps: 0, maxStepMs: 0, computeMs: 0 };
  health.sort((a, b) => a - b);
  const at = (p: number) => percentile(health, p).toFixed(0);
  const waits = `${at(0.5)} / ${at(0.95)} / ${at(1)} (${health.length})`;
  return `| ${name} | ${wall.toFixed(1)} | ${steps.steps} | ${steps.maxStepMs} | ${steps.computeMs} | ${waits} |`;
}
