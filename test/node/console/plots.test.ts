/** The console's plot geometry: confusion-matrix layout, reliability bars, the Pareto front. */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Box,
  candidateNames,
  confusionLayout,
  type EpochPoint,
  eceFromBins,
  epochPoint,
  heat,
  latestRound,
  linear,
  lossLabel,
  type PlacedLabel,
  paretoFront,
  pointLabels,
  reliabilityBars,
  sweepCurves,
  withEpoch,
} from "../../../src/console/app/plots";

describe("confusionLayout", () => {
  const labels = ["cat", "dog", "fox"];
  const matrix = [
    [5, 1, 0],
    [2, 2, 0],
    [0, 0, 0],
  ];

  it("puts true labels on rows and predictions on columns, shading by the row's share", () => {
    const { cells, cellSize, margin, size } = confusionLayout(labels, matrix, 380, 80);
    expect(cellSize).toBe(100);
    expect(size).toBe(380);
    expect(cells).toHaveLength(9);
    const catAsDog = cells.find((c) => c.trueLabel === "cat" && c.predicted === "dog");
    expect(catAsDog).toMatchObject({ row: 0, col: 1, count: 1, x: margin + 100, y: margin });
    expect(catAsDog?.rowShare).toBeCloseTo(1 / 6);
    const dogAsCat = cells.find((c) => c.trueLabel === "dog" && c.predicted === "cat");
    expect(dogAsCat).toMatchObject({ row: 1, col: 0, count: 2, rowShare: 0.5 });
  });

  it("gives an empty row zero shares, not NaN", () => {
    const { cells } = confusionLayout(labels, matrix);
    expect(cells.filter((c) => c.row === 2).map((c) => c.rowShare)).toEqual([0, 0, 0]);
  });

  it("lists the cells in row-major order, so they read as the matrix flattened", () => {
    const { cells } = confusionLayout(labels, matrix);
    expect(cells.map((c) => c.count)).toEqual(matrix.flat());
  });

  it("keeps cells readable for many labels", () => {
    const many = Array.from({ length: 60 }, (_, k) => `l${k}`);
    const { cellSize } = confusionLayout(many, [], 360);
    expect(cellSize).toBeGreaterThanOrEqual(12);
  });
});

describe("reliability bars", () => {
  const bins = [
    { lower: 0.4, upper: 0.6, count: 0, accuracy: 0, confidence: 0 },
    { lower: 0.6, upper: 0.8, count: 4, accuracy: 0.5, confidence: 0.7 },
    { lower: 0.8, upper: 1, count: 6, accuracy: 1, confidence: 0.9 },
  ];

  it("draws the non-empty bins with their gap to the diagonal", () => {
    const bars = reliabilityBars(bins);
    expect(bars.map((b) => b.lower)).toEqual([0.6, 0.8]);
    expect(bars[0]?.gap).toBeCloseTo(-0.2);
    expect(bars[1]?.gap).toBeCloseTo(0.1);
  });

  it("weights each bin's gap by its count for the ECE", () => {
    expect(eceFromBins(bins)).toBeCloseTo((4 * 0.2 + 6 * 0.1) / 10);
    expect(eceFromBins([])).toBe(0);
  });
});

describe("paretoFront", () => {
  it("keeps the points nothing beats on both quality and latency, fastest first", () => {
    const points = [
      { id: "slow-best", quality: 0.95, latency: 200 },
      { id: "fast-poor", quality: 0.3, latency: 3 },
      { id: "middle", quality: 0.9, latency: 120 },
      { id: "dominated", quality: 0.85, latency: 150 },
      { id: "tie-slower", quality: 0.9, latency: 130 },
    ];
    expect(paretoFront(points).map((p) => p.id)).toEqual(["fast-poor", "middle", "slow-best"]);
  });

  it("no point beats a point on the front, and each point off it is beaten or equals one on it", () => {
    const point = fc.record({
      id: fc.string(),
      quality: fc.double({ min: 0, max: 1, noNaN: true }),
      latency: fc.double({ min: 0, max: 1000, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), (points) => {
        const front = paretoFront(points);
        for (const p of front) expect(points.some((q) => beats(q, p))).toBe(false);
        for (const p of points.filter((q) => !front.includes(q))) {
          expect(front.some((q) => beats(q, p) || same(q, p))).toBe(true);
        }
      }),
    );
  });
});

interface Point {
  quality: number;
  latency: number;
}

const beats = (a: Point, b: Point) =>
  a.quality >= b.quality &&
  a.latency <= b.latency &&
  (a.quality > b.quality || a.latency < b.latency);
const same = (a: Point, b: Point) => a.quality === b.quality && a.latency === b.latency;

describe("pointLabels", () => {
  const area: Box = [40, 16, 330, 284];
  // The box pointLabels reserves for a label at 12 px: 0.65 em a character, its line 1.3 em high.
  const boxOf = ({ text, x, y }: PlacedLabel): Box => [x, y - 12, x + 7.8 * text.length, y + 3.6];
  const marker = ({ x, y }: { x: number; y: number }): Box => [x - 8, y - 8, x + 8, y + 8];
  // Touching is apart; boxOf's arithmetic may be a rounding error off pointLabels'.
  const apart = (a: Box, b: Box) =>
    a[2] <= b[0] + 1e-9 || b[2] <= a[0] + 1e-9 || a[3] <= b[1] + 1e-9 || b[3] <= a[1] + 1e-9;

  it("puts a lone point's label at its right, level with it", () => {
    expect(pointLabels([{ x: 100, y: 100, text: "1" }], area)).toEqual([
      { text: "1", x: 110, y: 104.2 },
    ]);
  });

  it("gives points that coincide one label, and moves a neighbour's label off it", () => {
    const labels = pointLabels(
      [
        { x: 200, y: 100, text: "1" },
        { x: 201, y: 101, text: "2" },
        { x: 200, y: 100, text: "3" },
        { x: 230, y: 100, text: "4" },
      ],
      area,
    );
    expect(labels.map((l) => l.text)).toEqual(["1, 2, 3", "4"]);
    // "1, 2, 3" at the right of its point reaches over the next one: "4" goes to its other side.
    expect(labels[1]?.x).toBeGreaterThan(230);
  });

  it("keeps clear of the area's edges: a point at the right end is labelled at its left", () => {
    const [label] = pointLabels([{ x: 325, y: 100, text: "12" }], area);
    expect(label && boxOf(label)[2]).toBeLessThanOrEqual(area[2]);
    expect(label?.x).toBeLessThan(325);
  });

  it("never overlaps two labels, nor a label and a point, however crowded", () => {
    const point = fc.record({
      x: fc.double({ min: 40, max: 330, noNaN: true }),
      y: fc.double({ min: 16, max: 284, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points) => {
        const ranked = points.map((p, k) => ({ ...p, text: String(k + 1) }));
        const boxes = pointLabels(ranked, area).map(boxOf);
        for (const [k, box] of boxes.entries()) {
          expect(box[0] >= area[0] && box[1] >= area[1] - 1e-9).toBe(true);
          expect(box[2] <= area[2] && box[3] <= area[3] + 1e-9).toBe(true);
          for (const other of boxes.slice(k + 1)) expect(apart(box, other)).toBe(true);
          for (const p of ranked) expect(apart(box, marker(p))).toBe(true);
        }
      }),
      // Two points that share a label: it once cleared the first one's mark, not the second's.
      {
        examples: [
          [
            [
              { x: 100, y: 100 },
              { x: 103, y: 100 },
            ],
          ],
        ],
      },
    );
  });

  it("labels the best ranks first: in a crowd, the worst lose their labels", () => {
    const crowd = Array.from({ length: 12 }, (_, k) => ({
      x: 100 + k * 5,
      y: 100 + (k % 3) * 5,
      text: String(k + 1),
    }));
    const shown = pointLabels(crowd, area).map((l) => l.text);
    expect(shown[0]).toBe("1");
    expect(shown.length).toBeLessThan(crowd.length);
  });
});

describe("scales and colours", () => {
  it("maps a domain linearly, and a zero-width one to the middle", () => {
    expect(linear(0, 10, 100, 200)(5)).toBe(150);
    expect(linear(0, 1, 300, 0)(0.25)).toBe(225);
    expect(linear(3, 3, 0, 10)(3)).toBe(5);
  });

  it("writes light text on dark cells and dark text on light ones", () => {
    expect(heat(1).dark).toBe(true);
    expect(heat(0).dark).toBe(false);
  });
});

describe("learning curves from training progress", () => {
  const message = (candidate: number, epoch: number, loss: number) =>
    `candidate ${candidate}/3 {"hiddenUnits":64}; epoch ${epoch} validation loss ${loss.toFixed(4)}`;
  const round = (r: number, candidate: number, epoch: number, loss: number) =>
    `round ${r}/15 of 5-fold cross-validation × 3: ${message(candidate, epoch, loss)}`;

  it("reads the epoch and validation loss a head reports, and nothing from other messages", () => {
    expect(epochPoint(message(2, 7, 0.4321))).toEqual({
      round: null,
      candidate: 2,
      hyperparameters: '{"hiddenUnits":64}',
      epoch: 7,
      loss: 0.4321,
    });
    expect(epochPoint(round(1, 2, 7, 0.4321))).toEqual({
      ...epochPoint(message(2, 7, 0.4321)),
      round: 1,
    });
    expect(epochPoint(round(12, 2, 7, 0.4321))?.round).toBe(12);
    expect(epochPoint('candidate 1/3 {"C":1}')).toBeNull();
    expect(epochPoint("refitting on train + validation")).toBeNull();
    expect(
      epochPoint("round 4/15 of 5-fold cross-validation × 3: refitting on train + validation"),
    ).toBeNull();
    expect(epochPoint(null)).toBeNull();
  });

  it("keeps one curve per candidate and one point per epoch, in order", () => {
    let curves = withEpoch([], epochPoint(message(1, 1, 0.9)));
    curves = withEpoch(curves, epochPoint(message(1, 1, 0.9)));
    curves = withEpoch(curves, epochPoint(message(1, 3, 0.5)));
    curves = withEpoch(curves, epochPoint(message(1, 2, 0.7)));
    curves = withEpoch(curves, epochPoint("evaluating on the test split"));
    curves = withEpoch(curves, epochPoint(message(2, 1, 0.8)));
    expect(curves.map((curve) => curve.map((p) => [p.epoch, p.loss]))).toEqual([
      [
        [1, 0.9],
        [3, 0.5],
      ],
      [[1, 0.8]],
    ]);
    expect(latestRound(curves)).toBeNull();
  });

  it("draws every cross-validation round, each round's candidates as curves of their own", () => {
    // The progress a cross-validated MLP training's events carry: every round sweeps both
    // candidates again from epoch 1, on its own folds.
    const messages = [
      round(1, 1, 9, 0.0039),
      round(1, 1, 37, 0.001),
      round(1, 2, 18, 0.0099),
      "round 1/15 of 5-fold cross-validation × 3: refitting on train + validation",
      round(2, 1, 9, 0.0235),
      round(2, 1, 28, 0.0131),
      round(2, 2, 18, 0.0515),
      round(3, 1, 18, 0.0006),
    ];
    const curves = messages.reduce(
      (drawn, m) => withEpoch(drawn, epochPoint(m)),
      [] as EpochPoint[][],
    );
    expect(curves.map((curve) => curve.map((p) => [p.round, p.candidate, p.epoch]))).toEqual([
      [
        [1, 1, 9],
        [1, 1, 37],
      ],
      [[1, 2, 18]],
      [
        [2, 1, 9],
        [2, 1, 28],
      ],
      [[2, 2, 18]],
      [[3, 1, 18]],
    ]);
    expect(latestRound(curves)).toBe(3);
  });

  it("names each candidate by the hyperparameters that tell the candidates apart", () => {
    const point = (candidate: number, hyperparameters: string) => ({
      round: null,
      candidate,
      hyperparameters,
      epoch: 1,
      loss: 0.5,
    });
    expect(
      candidateNames([
        point(2, '{"hiddenUnits":64,"weightDecay":0.01}'),
        point(1, '{"hiddenUnits":64,"weightDecay":0.0001}'),
        point(1, '{"hiddenUnits":64,"weightDecay":0.0001}'),
      ]),
    ).toEqual([
      { candidate: 1, name: "candidate 1: weightDecay 0.0001" },
      { candidate: 2, name: "candidate 2: weightDecay 0.01" },
    ]);
    expect(candidateNames([point(1, '{"C":1}'), point(2, "not json")])).toEqual([
      { candidate: 1, name: "candidate 1: C 1" },
      { candidate: 2, name: "candidate 2" },
    ]);
    expect(candidateNames([point(1, '{"C":1}')])).toEqual([{ candidate: 1, name: "candidate 1" }]);
  });

  it("draws a report's kept curves, one per candidate that trained in epochs", () => {
    const row = (C: number, epochs?: { epoch: number; validationLoss: number }[]) => ({
      hyperparameters: { C },
      validationAccuracy: 0.9,
      validationLogLoss: 0.3,
      iterations: epochs?.length ?? 12,
      converged: true,
      ...(epochs && { epochs }),
    });
    const curves = sweepCurves([
      row(1, [
        { epoch: 1, validationLoss: 0.7 },
        { epoch: 2, validationLoss: 0.5 },
      ]),
      row(2),
      row(3, [{ epoch: 1, validationLoss: 0.6 }]),
    ]);
    expect(curves.map((curve) => curve.map((p) => [p.candidate, p.epoch, p.loss]))).toEqual([
      [
        [1, 1, 0.7],
        [1, 2, 0.5],
      ],
      [[3, 1, 0.6]],
    ]);
    expect(curves[1]?.[0]?.hyperparameters).toBe('{"C":3}');
  });
});

describe("lossLabel", () => {
  it("keeps two decimals, and two significant digits for the tiny losses of a near-perfect fit", () => {
    expect([0.4321, 0.01, 0].map(lossLabel)).toEqual(["0.43", "0.01", "0.00"]);
    expect([0.0002, 0.0037].map(lossLabel)).toEqual(["0.00020", "0.0037"]);
  });
});
