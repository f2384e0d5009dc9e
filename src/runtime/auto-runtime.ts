/**
 * `runtime: "auto"`: load the backbone on each runtime the deployment carries, time the same probe
 * embedding on each, keep the faster and dispose the others.
 *
 * The probe is one input shaped like real traffic (an image of the input size, or a sentence), run
 * once to warm up (first-run allocation and code tier-up), then timed as the median of a few runs.
 * Both candidates are resident while they are compared, so the isolate briefly holds two models and
 * two wasm heaps (which never shrink). On Cloudflare's network, timers do not advance during CPU work,
 * so every candidate measures 0 ms there and the first runtime listed (tfjs-graph) wins the tie:
 * deploy an explicit runtime to production, and use `auto` to find it on a host like the target.
 */

import type { Backbone, BackboneInput, BackboneManifest, BackboneRuntime } from "../../models";

const TIMED_RUNS = 3;
const PROBE_TEXT = "a short sentence to time the text encoder with";

export interface RuntimeChoice {
  backbone: Backbone;
  runtime: BackboneRuntime;
  /** Median probe time per candidate runtime, in ms. */
  probeMs: Partial<Record<BackboneRuntime, number>>;
}

export async function fastestRuntime(
  candidates: readonly BackboneRuntime[],
  load: (runtime: BackboneRuntime) => Promise<Backbone>,
): Promise<RuntimeChoice> {
  let best: RuntimeChoice | undefined;
  const probeMs: RuntimeChoice["probeMs"] = {};
  for (const runtime of candidates) {
    const backbone = await load(runtime);
    probeMs[runtime] = await timeProbe(backbone);
    if (best === undefined || (probeMs[runtime] ?? 0) < (probeMs[best.runtime] ?? 0)) {
      best?.backbone.dispose();
      best = { backbone, runtime, probeMs };
    } else {
      backbone.dispose();
    }
  }
  if (best === undefined) throw new Error("no candidate runtime to choose from");
  return best;
}

async function timeProbe(backbone: Backbone): Promise<number> {
  const inputs = [probeInput(backbone.manifest)];
  await backbone.embed(inputs);
  const times: number[] = [];
  for (let run = 0; run < TIMED_RUNS; run++) {
    const start = performance.now();
    await backbone.embed(inputs);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(TIMED_RUNS / 2)] ?? 0;
}

/** A mid-grey image at the model's input size, or a sentence. */
export function probeInput(manifest: BackboneManifest): BackboneInput {
  const { preprocessing } = manifest;
  if (preprocessing.kind === "text") return { kind: "text", text: PROBE_TEXT };
  const { width, height } = preprocessing.resize;
  const data = new Uint8Array(width * height * 3).fill(128);
  return { kind: "image", image: { width, height, data } };
}
