import { describe, expect, it } from "vitest";
import { TRAINING_BUDGET, trainingSamplesAllowed, trainingValues } from "../../../adapters";
import type { BackboneRuntime } from "../../../models";
import { candidatesFor } from "../../../src/selection/candidates";
import {
  overTrainingBudget,
  SELECTION_MAX_SAMPLES,
  selectionPool,
} from "../../../src/selection/selection-pool";
import { manifestOf } from "../../fixtures/manifests";

const samples = (n: number, labels: number) =>
  Array.from({ length: n }, (_, i) => ({ label: `l${i % labels}`, hash: String(i) }));

// Every cut layer of both MobileNetV2s, on a host that runs both.
const imageCandidates = candidatesFor(
  [manifestOf("mobilenet-v2"), manifestOf("mobilenet-v2-100")],
  "image",
);
const imageRuntimes: BackboneRuntime[] = ["tfjs-graph", "tfjs-layers"];
const text = candidatesFor([manifestOf("lexical"), manifestOf("use-lite")], "text");
const textRuntimes: BackboneRuntime[] = ["tfjs-graph", "lexical"];

describe("selectionPool", () => {
  it("measures every sample when the widest fusion fits the training budget", () => {
    const stored = samples(400, 4);
    const pool = selectionPool(stored, imageCandidates, imageRuntimes, 0);
    expect(pool.samples).toBe(stored);
    expect(pool.stored).toBe(400);
  });

  it("draws a stratified subsample of at most 1,000 when the budget allows more", () => {
    const stored = samples(5000, 10);
    const pool = selectionPool(stored, imageCandidates, imageRuntimes, 0);
    expect(trainingSamplesAllowed({ labels: 10 }, 4032 + 1792)).toBeGreaterThan(1000);
    expect(pool.stored).toBe(5000);
    expect(pool.samples).toHaveLength(SELECTION_MAX_SAMPLES);
    const perLabel = new Map<string, number>();
    for (const { label } of pool.samples) perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
    expect([...perLabel.values()]).toEqual(Array(10).fill(100));
    expect(new Set(pool.samples.map((s) => s.hash)).size).toBe(1000);
  });

  it("draws fewer where the widest fusion could not be cross-validated on 1,000", () => {
    // lexical (4,096) + use-lite (512): 1,820 − 18 × labels allowed (1,100 at 40 labels, 740 at 60).
    expect(selectionPool(samples(2000, 40), text, textRuntimes, 0).samples).toHaveLength(1000);
    const allowed = trainingSamplesAllowed({ labels: 60 }, 4608);
    expect(allowed).toBe(1820 - 18 * 60);
    const pool = selectionPool(samples(2000, 60), text, textRuntimes, 0);
    expect(pool.samples).toHaveLength(allowed);
    expect(trainingValues(allowed, { labels: 60 }, 4608)).toBeLessThanOrEqual(
      TRAINING_BUDGET.values,
    );
  });

  it("fits the widest fusion it could build: two tensors of one network, not both networks' grids", () => {
    // MobileNetV2 1.4's block16-grid (4,032) + its pooled output (1,792): its other block16 layers
    // pool the grid's own map, and a layer of each network would not fit one isolate (4,032 + 2,880).
    const allowed = trainingSamplesAllowed({ labels: 60 }, 4032 + 1792);
    expect(allowed).toBeGreaterThan(trainingSamplesAllowed({ labels: 60 }, 4032 + 2880));
    const pool = selectionPool(samples(2000, 60), imageCandidates, imageRuntimes, 0);
    expect(pool.samples).toHaveLength(allowed);
    // On a host that carries only MobileNetV2 1.0, its own layers bound the pool.
    const narrow = selectionPool(samples(2000, 60), imageCandidates, ["tfjs-layers"], 0);
    expect(narrow.samples).toHaveLength(trainingSamplesAllowed({ labels: 60 }, 2880 + 1280));
  });

  it("draws the same pool in every process of a job (same samples, same seed)", () => {
    const a = selectionPool(samples(5000, 10), imageCandidates, imageRuntimes, 3).samples.map(
      (s) => s.hash,
    );
    const b = selectionPool(samples(5000, 10), imageCandidates, imageRuntimes, 3).samples.map(
      (s) => s.hash,
    );
    expect(b).toEqual(a);
  });
});

describe("overTrainingBudget", () => {
  it("passes a candidate within the budget and names the values of one over it", () => {
    expect(overTrainingBudget({ dim: 512 }, { samples: 1000, labels: 10 })).toBeNull();
    const reason = overTrainingBudget({ dim: 4608 }, { samples: 768, labels: 256 });
    expect(reason).toContain(String(trainingValues(768, { labels: 256 }, 4608)));
    expect(reason).toContain("128 MB");
  });
});
