import { readFileSync } from "node:fs";
import { fromRows, type Matrix } from "../../../adapters/linalg/matrix";
import { SeededRandom } from "../../../adapters/random";
import type { BackboneRef, LabelledEmbedding } from "../../../adapters/types";

export const FIXTURES = new URL("../../fixtures/heads/", import.meta.url);

/** Gaussian blobs: class k centred at `separation` times a random unit-ish direction. */
export function blobs(options: {
  perClass: number;
  classes: number;
  dim: number;
  separation: number;
  seed: number;
}): { X: Matrix; y: Int32Array; samples: LabelledEmbedding[] } {
  const random = new SeededRandom(options.seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const centres = Array.from({ length: options.classes }, () =>
    Array.from(
      { length: options.dim },
      () => (gaussian() * options.separation) / Math.sqrt(options.dim),
    ),
  );
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < options.classes; k++) {
    for (let i = 0; i < options.perClass; i++) {
      rows.push((centres[k] as number[]).map((c) => c + gaussian()));
      labels.push(k);
    }
  }
  return {
    X: fromRows(rows, options.dim),
    y: Int32Array.from(labels),
    samples: rows.map((row, i) => ({
      features: Float32Array.from(row),
      label: `class-${labels[i]}`,
    })),
  };
}

export interface RealEmbeddings {
  backbone: BackboneRef;
  samples: LabelledEmbedding[];
  raw: { label: string; features: number[] }[];
}

/** test/fixtures/heads/embeddings.json: sentences embedded by the real use-lite backbone. */
export function realEmbeddings(): RealEmbeddings {
  const file = JSON.parse(readFileSync(new URL("embeddings.json", FIXTURES), "utf8")) as {
    backbone: string;
    weightsHash: string;
    dim: number;
    samples: { label: string; features: number[] }[];
  };
  return {
    backbone: { id: file.backbone, weightsHash: file.weightsHash ?? "unknown", dim: file.dim },
    samples: file.samples.map((s) => ({ label: s.label, features: Float32Array.from(s.features) })),
    raw: file.samples,
  };
}
