/**
 * How many job steps (STEP_FLOPS each) a training takes, run through the API's own protocol
 * (TrainingRun) on cached embeddings: `npx tsx bench/heads/job-steps.ts [sizes] [headType]`, e.g.
 * `npx tsx bench/heads/job-steps.ts 200,300 mlp`. Spam vs ham on lexical's 4,096 dimensions
 * (bench/data/spam-assassin-1000.lexical, as `npm run bench -- heads` caches it), every
 * (1,000 / n)-th sample so that both labels are in; default hyperparameters.
 */

import { type HeadType, TrainingRun } from "../../adapters";
import { loadEmbeddingSet, RELABELLINGS } from "./embedding-set";
import { installBenchGemmKernel } from "./gemm-kernel";

const sizes = (process.argv[2] ?? "200,300").split(",").map(Number);
const headType = (process.argv[3] ?? "mlp") as HeadType;

await installBenchGemmKernel();
const set = await loadEmbeddingSet("bench/data/spam-assassin-1000.lexical.json", {
  relabel: RELABELLINGS["spam-vs-ham"],
});
for (const n of sizes) {
  const stride = set.samples.length / n;
  const samples = Array.from({ length: n }, (_, i) => {
    const sample = set.samples[Math.floor(i * stride)];
    if (!sample) throw new Error(`no sample ${Math.floor(i * stride)} of ${set.samples.length}`);
    return { label: sample.label, features: sample.features };
  });
  const started = performance.now();
  const run = new TrainingRun({ headType, backbone: set.backbone, samples });
  let steps = 0;
  while (!run.done) {
    run.advance();
    steps++;
  }
  const { protocol } = run.result().report.evaluation;
  console.log(
    JSON.stringify({
      headType,
      samples: n,
      steps,
      repeats: protocol.kind === "cross-validation" ? protocol.repeats : null,
      seconds: Math.round((performance.now() - started) / 1000),
    }),
  );
}
