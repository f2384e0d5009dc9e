import { type BenchHeadsOptions, benchHeads } from "./bench-heads";
import { loadEmbeddingSet } from "./embedding-set";
import { headsMarkdown } from "./markdown";

export { type BenchHeadsOptions, type BenchRow, benchHeads, SKLEARN } from "./bench-heads";
export { type EmbeddingSet, loadEmbeddingSet } from "./embedding-set";
export { headsMarkdown } from "./markdown";
export { type Shots, shotSplit } from "./shot-splits";

/**
 * The `heads` suite for bench/run.ts: embeddings files from $HEADS_EMBEDDINGS (comma-separated
 * paths, e.g. Fashion-MNIST through mobilenet-v2 and SpamAssassin through use-lite).
 */
export async function benchHeadsSuite(
  options: Omit<BenchHeadsOptions, "sets"> = {},
): Promise<string> {
  const paths = (process.env.HEADS_EMBEDDINGS ?? "").split(",").filter(Boolean);
  if (paths.length === 0)
    throw new Error("heads bench: set HEADS_EMBEDDINGS to embeddings JSON file paths");
  const sets = await Promise.all(paths.map(loadEmbeddingSet));
  const rows = await benchHeads({ ...options, sets });
  return [
    "## Adapter heads vs scikit-learn",
    "",
    `Files: ${sets.map((s) => `\`${s.path}\` (${s.backbone.id}, ${s.samples.length} samples)`).join(", ")}. Test accuracy and macro-F1 in %, mean ± sd over seeds; fit time = scaling + C sweep + refit (ours also calibration and test scoring), mean ms.`,
    "",
    headsMarkdown(rows),
  ].join("\n");
}
