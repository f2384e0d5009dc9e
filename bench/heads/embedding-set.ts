import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { BackboneRef } from "../../adapters";

export interface BenchSample {
  label: string;
  features: Float32Array;
  /** Optional given split (e.g. Fashion-MNIST's official test set); otherwise the bench splits. */
  split?: "train" | "test";
}

export interface EmbeddingSet {
  name: string;
  path: string;
  backbone: BackboneRef;
  samples: BenchSample[];
}

/**
 * Reads an embeddings file: JSON `{ backbone, dim, weightsHash?, samples: [{ label, features, split? }] }`,
 * the format test/fixtures/heads/embeddings.json uses.
 */
export async function loadEmbeddingSet(path: string): Promise<EmbeddingSet> {
  const file = JSON.parse(await readFile(path, "utf8")) as {
    backbone: string;
    weightsHash?: string;
    dim: number;
    samples: { label: string; features: number[]; split?: "train" | "test" }[];
  };
  return {
    name: basename(path).replace(/\.json$/, ""),
    path,
    backbone: { id: file.backbone, weightsHash: file.weightsHash ?? "unknown", dim: file.dim },
    samples: file.samples.map(({ label, features, split }) => ({
      label,
      features: Float32Array.from(features),
      ...(split ? { split } : {}),
    })),
  };
}
