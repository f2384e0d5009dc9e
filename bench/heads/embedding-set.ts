import { basename } from "node:path";
import type { BackboneRef } from "../../adapters";
import { PREPARE_EMBEDDINGS, readDataFile } from "../datasets/missing";

export interface BenchSample {
  label: string;
  features: Float32Array;
  /** Given split (e.g. Fashion-MNIST's official test set); otherwise the bench splits. */
  split?: "train" | "test";
}

export interface EmbeddingSet {
  name: string;
  backbone: BackboneRef;
  samples: BenchSample[];
}

export interface LoadOptions {
  /** A second file whose samples form the test split (same backbone). */
  testPath?: string;
  /** Maps stored labels to the task's classes, e.g. SpamAssassin's groups to spam / ham. */
  relabel?: (label: string) => string;
}

/** Named relabellings for the command line. */
export const RELABELLINGS: Record<string, (label: string) => string> = {
  "spam-vs-ham": (group) => (group.startsWith("spam") ? "spam" : "ham"),
};

/**
 * Reads embeddings in either format the repository writes:
 * - JSON `{ backbone, dim, weightsHash?, samples: [{ label, features }] }` (test/fixtures/heads/embeddings.json);
 * - the benchmark cache (bench/datasets/embedding-cache.ts): `<name>.json` `{ backbone, weightsHash, dim, labels }`
 *   next to `<name>.f32`, rows x dim float32 row-major; pass either path.
 */
export async function loadEmbeddingSet(
  path: string,
  options: LoadOptions = {},
): Promise<EmbeddingSet> {
  const train = await readSamples(path);
  const test = options.testPath ? await readSamples(options.testPath) : null;
  if (test && test.backbone.id !== train.backbone.id) {
    throw new Error(
      `${options.testPath}: backbone ${test.backbone.id}, but ${path} has ${train.backbone.id}`,
    );
  }
  const relabel = options.relabel ?? ((label: string) => label);
  const samples = [
    ...train.samples.map((s) => ({
      ...s,
      label: relabel(s.label),
      ...(test ? { split: "train" as const } : {}),
    })),
    ...(test?.samples ?? []).map((s) => ({
      ...s,
      label: relabel(s.label),
      split: "test" as const,
    })),
  ];
  return { name: basename(path).replace(/\.(json|f32)$/, ""), backbone: train.backbone, samples };
}

async function readSamples(
  path: string,
): Promise<{ backbone: BackboneRef; samples: BenchSample[] }> {
  const metaPath = path.replace(/\.f32$/, ".json");
  const file = JSON.parse((await readDataFile(metaPath, PREPARE_EMBEDDINGS)).toString("utf8")) as {
    backbone: string;
    weightsHash?: string;
    dim: number;
    labels?: string[];
    samples?: { label: string; features: number[] }[];
  };
  const backbone = { id: file.backbone, weightsHash: file.weightsHash ?? "unknown", dim: file.dim };
  if (file.samples) {
    return {
      backbone,
      samples: file.samples.map(({ label, features }) => ({
        label,
        features: Float32Array.from(features),
      })),
    };
  }
  const bytes = await readDataFile(metaPath.replace(/\.json$/, ".f32"), PREPARE_EMBEDDINGS);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  // The cache is written incrementally: use the rows present so far.
  const rows = Math.min(file.labels?.length ?? 0, Math.floor(all.length / file.dim));
  const samples = Array.from({ length: rows }, (_, i) => ({
    label: file.labels?.[i] as string,
    features: all.slice(i * file.dim, (i + 1) * file.dim),
  }));
  return { backbone, samples };
}

/**
 * Several backbones' embeddings of the same samples (same order, same labels) side by side: the
 * fused embedding an adapter on `a+b` would train on, with `blocks` telling the head where each
 * backbone's vector sits (adapters/preprocessing/block-scaling.ts).
 */
export function fuseEmbeddingSets(sets: EmbeddingSet[]): EmbeddingSet {
  const [first] = sets;
  if (!first || sets.length < 2) throw new Error("a fusion needs at least two embedding sets");
  const rows = Math.min(...sets.map((set) => set.samples.length));
  const blocks = sets.map((set) => set.backbone.dim);
  const dim = blocks.reduce((a, b) => a + b, 0);
  const samples = first.samples.slice(0, rows).map((sample, i) => {
    const features = new Float32Array(dim);
    let offset = 0;
    for (const set of sets) {
      const other = set.samples[i] as BenchSample;
      if (other.label !== sample.label) {
        throw new Error(
          `${set.name}: row ${i} is ${other.label}, not ${sample.label}: not the same samples`,
        );
      }
      features.set(other.features, offset);
      offset += set.backbone.dim;
    }
    return { ...sample, features };
  });
  return {
    name: sets.map((set) => set.name).join("|"),
    backbone: {
      id: sets.map((set) => set.backbone.id).join("+"),
      weightsHash: sets.map((set) => set.backbone.weightsHash).join("+"),
      dim,
      blocks,
    },
    samples,
  };
}
