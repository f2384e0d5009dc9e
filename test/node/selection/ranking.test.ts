import { describe, expect, it } from "vitest";
import { paretoFront } from "../../../adapters/selection/pareto-front";
import { rankCandidates, tieTolerance } from "../../../adapters/selection/ranking";

const candidate = (
  id: string,
  f1: number,
  latencyMsPerItem: number,
  sizeBytes: number,
  se = 0,
) => ({
  id,
  macroF1: { mean: f1, standardError: se },
  latencyMsPerItem,
  sizeBytes,
});

const order = (ranked: { candidate: { id: string } }[]) => ranked.map((r) => r.candidate.id);

describe("ranking rule", () => {
  it("puts quality first when the gap exceeds the tolerance", () => {
    const ranked = rankCandidates([
      candidate("fast-weak", 0.8, 1, 10),
      candidate("slow-strong", 0.95, 50, 1000),
    ]);
    expect(order(ranked)).toEqual(["slow-strong", "fast-weak"]);
    expect(ranked.map((r) => r.nearTie)).toEqual([true, false]);
  });

  it("prefers lower latency among near ties (within 1 pt), then smaller size", () => {
    const ranked = rankCandidates([
      candidate("best", 0.95, 20, 100),
      candidate("almost-fast", 0.942, 2, 900),
      candidate("almost-fast-small", 0.945, 2, 50),
      candidate("outside", 0.93, 1, 1),
    ]);
    expect(order(ranked)).toEqual(["almost-fast-small", "almost-fast", "best", "outside"]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it("widens the tolerance to the best candidate's standard error", () => {
    expect(tieTolerance({ mean: 0.9, standardError: 0.004 })).toBe(0.01);
    expect(tieTolerance({ mean: 0.9, standardError: 0.05 })).toBe(0.05);
    const noisy = rankCandidates([
      candidate("best", 0.9, 30, 10, 0.05),
      candidate("cheap", 0.86, 3, 10),
    ]);
    expect(order(noisy)).toEqual(["cheap", "best"]);
    const precise = rankCandidates([
      candidate("best", 0.9, 30, 10, 0.005),
      candidate("cheap", 0.86, 3, 10),
    ]);
    expect(order(precise)).toEqual(["best", "cheap"]);
  });

  it("orders the candidates outside the tie by quality, and handles none", () => {
    const ranked = rankCandidates([
      candidate("c", 0.5, 1, 1),
      candidate("a", 0.99, 9, 9),
      candidate("b", 0.7, 5, 5),
    ]);
    expect(order(ranked)).toEqual(["a", "b", "c"]);
    expect(rankCandidates([])).toEqual([]);
  });
});

describe("accuracy–latency Pareto front", () => {
  const point = (id: string, accuracy: number, latencyMsPerItem: number) => ({
    id,
    accuracy,
    latencyMsPerItem,
  });

  it("keeps exactly the non-dominated points, fastest first", () => {
    const front = paretoFront([
      point("slow-best", 0.96, 40),
      point("dominated", 0.9, 30),
      point("middle", 0.93, 10),
      point("fastest", 0.8, 1),
      point("equal-speed-worse", 0.79, 1),
    ]);
    expect(front.map((p) => p.id)).toEqual(["fastest", "middle", "slow-best"]);
  });

  it("keeps a single point and exact duplicates", () => {
    expect(paretoFront([point("only", 0.5, 5)]).map((p) => p.id)).toEqual(["only"]);
    expect(paretoFront([point("a", 0.5, 5), point("b", 0.5, 5)])).toHaveLength(2);
  });
});
