import { type BenchHeadsOptions, benchHeads } from "./bench-heads";
import { type EmbeddingSet, loadEmbeddingSet, RELABELLINGS } from "./embedding-set";
import { installBenchGemmKernel } from "./gemm-kernel";
import { headsMarkdown } from "./markdown";

export { type BenchHeadsOptions, type BenchRow, benchHeads, SKLEARN } from "./bench-heads";
export { type EmbeddingSet, loadEmbeddingSet, RELABELLINGS } from "./embedding-set";
export { headsMarkdown } from "./markdown";
export { type Shots, shotSplit } from "./shot-splits";

/** The embeddings bench/datasets/prepare.ts caches: Fashion-MNIST through mobilenet-v2, SpamAssassin through use-lite. */
const DEFAULT_SETS = [
  "bench/data/fashion-mnist-train.mobilenet-v2.json+bench/data/fashion-mnist-test.mobilenet-v2.json",
  "bench/data/spam-assassin.use-lite.json:spam-vs-ham",
];

/**
 * The `heads` suite for bench/run.ts. $HEADS_EMBEDDINGS overrides the sets: comma-separated, each
 * `path[+testPath][:relabelling]` (see DEFAULT_SETS).
 */
export async function benchHeadsSuite(
  options: Omit<BenchHeadsOptions, "sets"> = {},
): Promise<string> {
  const specs = process.env.HEADS_EMBEDDINGS?.split(",").filter(Boolean) ?? DEFAULT_SETS;
  const sets = await Promise.all(specs.map((spec) => parseSetSpec(spec)));
  const kernel = await installBenchGemmKernel();
  // Few-shot splits are cheap and noisy: three seeds, every head. A full training set is one split
  // (the seed only moves the validation rows) and costs minutes per fit: one seed, and no MLP.
  const fewShot = await benchHeads({ shots: [8, 16, 64], ...options, sets });
  const full = await benchHeads({
    shots: ["full"],
    seeds: [0],
    headTypes: ["logistic", "prototype"],
    ...options,
    sets,
  });
  return [
    "## Adapter heads vs scikit-learn",
    "",
    `Sets: ${sets.map((s) => `${s.name} (${s.backbone.id}, ${s.samples.length} samples)`).join(", ")}. Test accuracy and macro-F1 in %, mean ± sd over seeds (8/16/64 shots per class: seeds 0–2; full: seed 0, MLP skipped for time); fit time = scaling + C sweep + refit (ours also calibration and test scoring), mean ms. Our matrix kernel: ${kernel}.`,
    "",
    headsMarkdown([...fewShot, ...full]),
  ].join("\n");
}

/** `path[+testPath][:relabelling]`, as in $HEADS_EMBEDDINGS and the command line. */
export function parseSetSpec(spec: string): Promise<EmbeddingSet> {
  const [paths = "", relabelling] = spec.split(":");
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
