import { type BenchHeadsOptions, benchHeads, LEGACY } from "./bench-heads";
import {
  type EmbeddingSet,
  fuseEmbeddingSets,
  loadEmbeddingSet,
  RELABELLINGS,
} from "./embedding-set";
import { installBenchGemmKernel } from "./gemm-kernel";
import { headsMarkdown } from "./markdown";

export { type BenchHeadsOptions, type BenchRow, benchHeads, LEGACY, SKLEARN } from "./bench-heads";
export {
  type EmbeddingSet,
  fuseEmbeddingSets,
  loadEmbeddingSet,
  RELABELLINGS,
} from "./embedding-set";
export { headsMarkdown } from "./markdown";
export { type Shots, shotSplit } from "./shot-splits";

/**
 * The embeddings bench/datasets/prepare.ts caches: Fashion-MNIST through mobilenet-v2 (at its
 * published output and at the layer its adapters start on); SpamAssassin
 * (`spam-sample=500`: 500 spam + 500 ham, enough for 256 per class next to a 20 % test set)
 * through use-lite, lexical, and the two fused.
 */
const DEFAULT_SETS = [
  "bench/data/fashion-mnist-train.mobilenet-v2.json+bench/data/fashion-mnist-test.mobilenet-v2.json",
  // mobilenet-v2 at block16-grid-2x2, where its adapters start.
  "bench/data/fashion-mnist-train.mobilenet-v2.block16-grid-2x2.json+bench/data/fashion-mnist-test.mobilenet-v2.block16-grid-2x2.json",
  "bench/data/spam-assassin-1000.use-lite.json:spam-vs-ham",
  "bench/data/spam-assassin-1000.lexical.json|bench/data/spam-assassin-1000.use-lite.json:spam-vs-ham",
  // use-lite at encoder-mean, where a use-lite adapter that names no layer starts.
  "bench/data/spam-assassin-1000.use-lite.encoder-mean.json:spam-vs-ham",
  "bench/data/spam-assassin-1000.lexical.json|bench/data/spam-assassin-1000.use-lite.encoder-mean.json:spam-vs-ham",
];

/**
 * The `heads` suite for bench/run.ts. $HEADS_EMBEDDINGS overrides the sets: comma-separated, each
 * `path[+testPath][:relabelling]` or `pathA|pathB[:relabelling]` (see DEFAULT_SETS).
 */
export async function benchHeadsSuite(
  options: Omit<BenchHeadsOptions, "sets"> = {},
): Promise<string> {
  const specs = process.env.HEADS_EMBEDDINGS?.split(",").filter(Boolean) ?? DEFAULT_SETS;
  const sets = await Promise.all(specs.map((spec) => parseSetSpec(spec)));
  const kernel = await installBenchGemmKernel();
  // The API job's protocol cross-validates small pools (k·r fits each): logistic, the head compared
  // with scikit-learn, and the protocol before issue 11 on the same pools.
  const rows = await benchHeads({
    shots: [8, 16, 64, 256],
    headTypes: ["logistic"],
    legacy: true,
    ...options,
    sets,
  });
  return [
    "## Adapter heads vs scikit-learn, through the API's training protocol",
    "",
    `Sets: ${sets.map((s) => `${s.name} (${s.backbone.id}, ${s.samples.length} samples)`).join(", ")}. Per pool (shots per class, seeds 0–2): ours = trainHead, the TrainingRun a training job advances (CV or holdout, refit on the whole pool); ${LEGACY} = the protocol before issue 11 (one split, served head on 80 % of the pool); sklearn = LogisticRegression with C by 5-fold CV on the whole pool, refit on it. Test accuracy and macro-F1 in % on the same held-out test set, mean ± sd over seeds. Our matrix kernel: ${kernel}.`,
    "",
    headsMarkdown(rows),
  ].join("\n");
}

/**
 * `path[+testPath][:relabelling]`, as in $HEADS_EMBEDDINGS and the command line; `pathA|pathB[:relabelling]`
 * fuses two backbones' embeddings of the same samples (fuseEmbeddingSets).
 */
export async function parseSetSpec(spec: string): Promise<EmbeddingSet> {
  const [paths = "", relabelling] = spec.split(":");
  if (paths.includes("|")) {
    const suffix = relabelling === undefined ? "" : `:${relabelling}`;
    return fuseEmbeddingSets(
      await Promise.all(paths.split("|").map((path) => parseSetSpec(path + suffix))),
    );
  }
  const [path = "", testPath] = paths.split("+");
  const relabel = relabelling === undefined ? undefined : RELABELLINGS[relabelling];
  if (relabelling !== undefined && !relabel) {
    throw new Error(
      `unknown relabelling ${relabelling}; known: ${Object.keys(RELABELLINGS).join(", ")}`,
    );
  }
  return loadEmbeddingSet(path, {
    ...(testPath ? { testPath } : {}),
    ...(relabel ? { relabel } : {}),
  });
}
