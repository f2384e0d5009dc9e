/**
 * How many job steps (STEP_FLOPS each) a training takes, run through the API's own protocol
 * (TrainingRun) on cached embeddings: `npx tsx bench/heads/job-steps.ts [sizes] [headType]`, e.g.
 * `npx tsx bench/heads/job-steps.ts 200,300 mlp`. Spam vs ham on lexical's 4,096 dimensions, from
 * the smallest cached sample that holds n: bench/data/spam-assassin-1000.lexical (as `npm run bench
 * -- heads` caches it) or spam-assassin-2000.lexical (`npx tsx bench/datasets/prepare.ts
 * spam-sample=1000`), every (size / n)-th sample so that both labels are in; default
 * hyperparameters, or those of a JSON 4th argument. Also prints the fits' worst case in steps
 * (TrainingRun.flopsBound) and the job's step budget for the training (trainingStepBudget).
 */

import { type HeadType, STEP_FLOPS, TrainingRun, trainingStepBudget } from "../../adapters";
import { loadEmbeddingSet, RELABELLINGS } from "./embedding-set";
import { installBenchGemmKernel } from "./gemm-kernel";

const sizes = (process.argv[2] ?? "200,300").split(",").map(Number);
const headType = (process.argv[3] ?? "mlp") as HeadType;
/** Fixed hyperparameters, as JSON: `'{"hiddenUnits":256}'`. */
const hyperparameters = JSON.parse(process.argv[4] ?? "{}") as Record<string, unknown>;

await installBenchGemmKernel();
const setOf = (size: number) =>
  loadEmbeddingSet(`bench/data/spam-assassin-${size}.lexical.json`, {
    relabel: RELABELLINGS["spam-vs-ham"],
  });
for (const n of sizes) {
  const set = await setOf(n <= 1000 ? 1000 : 2000);
  const stride = set.samples.length / n;
  const samples = Array.from({ length: n }, (_, i) => {
    const sample = set.samples[Math.floor(i * stride)];
    if (!sample) throw new Error(`no sample ${Math.floor(i * stride)} of ${set.samples.length}`);
    return { label: sample.label, features: sample.features };
  });
  const started = performance.now();
  const run = new TrainingRun({
    headType,
    backbone: set.backbone,
    samples,
    options: { hyperparameters },
  });
  let steps = 0;
  while (!run.done) {
    run.advance();
    steps++;
  }
  const { protocol } = run.result().report.evaluation;
  console.log(
    JSON.stringify({
      headType,
      hyperparameters,
      samples: n,
      steps,
      repeats: protocol.kind === "cross-validation" ? protocol.repeats : null,
      worstCase: run.flopsBound === null ? null : Math.ceil(run.flopsBound / STEP_FLOPS),
      budget: trainingStepBudget(run.flopsBound),
      seconds: Math.round((performance.now() - started) / 1000),
    }),
  );
}
