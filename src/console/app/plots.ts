/**
 * The geometry of the console's plots, as pure functions (unit-tested in Node): the confusion
 * matrix's cells, the reliability diagram's bars, the Pareto front of a selection, the learning
 * curves.
 */

import type { SweepRow, TrainingReport } from "../../../adapters/types";

export interface ConfusionCell {
  row: number;
  col: number;
  trueLabel: string;
  predicted: string;
  count: number;
  /** The cell's share of its row (the true class): what the colour shows. */
  rowShare: number;
  x: number;
  y: number;
}

export interface ConfusionLayout {
  cells: ConfusionCell[];
  cellSize: number;
  size: number;
  /** Room left of and above the grid for the labels. */
  margin: number;
}

/** matrix[true][predicted] as a square grid: rows are true labels, columns predictions. */
export function confusionLayout(
  labels: string[],
  matrix: number[][],
  width = 360,
  margin = 80,
): ConfusionLayout {
  const n = labels.length;
  const cellSize = n > 0 ? Math.max(12, Math.floor((width - margin) / n)) : 0;
  const cells: ConfusionCell[] = [];
  labels.forEach((trueLabel, row) => {
    const counts = matrix[row] ?? [];
    const total = counts.reduce((sum, count) => sum + count, 0);
    labels.forEach((predicted, col) => {
      const count = counts[col] ?? 0;
      cells.push({
        row,
        col,
        trueLabel,
        predicted,
        count,
        rowShare: total > 0 ? count / total : 0,
        x: margin + col * cellSize,
        y: margin + row * cellSize,
      });
    });
  });
  return { cells, cellSize, size: margin + n * cellSize, margin };
}

export interface ReliabilityBar {
  lower: number;
  upper: number;
  count: number;
  accuracy: number;
  confidence: number;
  /** accuracy − confidence: above zero under-confident, below over-confident. */
  gap: number;
}

/** The non-empty bins, each with its calibration gap; empty bins draw nothing. */
export function reliabilityBars(
  bins: { lower: number; upper: number; count: number; accuracy: number; confidence: number }[],
): ReliabilityBar[] {
  return bins
    .filter((bin) => bin.count > 0)
    .map((bin) => ({ ...bin, gap: bin.accuracy - bin.confidence }));
}

/** ECE from the bins: the count-weighted mean of |accuracy − confidence|. */
export function eceFromBins(bins: { count: number; accuracy: number; confidence: number }[]) {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return 0;
  return (
    bins.reduce((sum, bin) => sum + bin.count * Math.abs(bin.accuracy - bin.confidence), 0) / total
  );
}

export interface TradeOff {
  id: string;
  quality: number;
  latency: number;
}

/**
 * The points no other point beats on both axes (higher quality, lower latency), fastest first. A
 * point equal on one axis and better on the other dominates.
 */
export function paretoFront<T extends TradeOff>(points: T[]): T[] {
  const sorted = [...points].sort((a, b) => a.latency - b.latency || b.quality - a.quality);
  const front: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const point of sorted) {
    if (point.quality > best) {
      front.push(point);
      best = point.quality;
    }
  }
  return front;
}

/** A box on a plot: left, top, right, bottom. */
export type Box = [number, number, number, number];

const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

export interface PlacedLabel {
  text: string;
  /** Where the text starts: its left end and baseline. */
  x: number;
  y: number;
}

/**
 * Labels for a plot's points (a selection's ranks), clear of each other and of the points, inside
 * `area`. Points that coincide (a fusion may measure as its parts do) share one label, "1, 2"; then
 * each label, in the points' order, takes the first free place beside its point (right, left,
 * above, below, then the corners), else is left out: the point's title and the table still name
 * it. `radius`: a point's, its ring's included. Widths are estimated (0.65 em a character; DejaVu
 * Sans' digits are 0.64), not measured: the labels are placed before the page lays them out.
 */
export function pointLabels(
  points: { x: number; y: number; text: string }[],
  area: Box,
  font = 12,
  radius = 8,
): PlacedLabel[] {
  const groups: { x: number; y: number; texts: string[] }[] = [];
  for (const point of points) {
    const same = groups.find((g) => Math.hypot(g.x - point.x, g.y - point.y) < radius / 2);
    if (same) same.texts.push(point.text);
    else groups.push({ ...point, texts: [point.text] });
  }
  // Every point, not only the first of those that share a label.
  const taken = points.map(({ x, y }): Box => [x - radius, y - radius, x + radius, y + radius]);
  // A line of text, its ascent and descent with room to spare.
  const height = 1.3 * font;
  const gap = radius + 2;
  const placed: PlacedLabel[] = [];
  for (const { x, y, texts } of groups) {
    const text = texts.join(", ");
    const width = 0.65 * font * text.length;
    const [right, left, middle] = [x + gap, x - gap - width, x - width / 2];
    const [above, below, level] = [y - gap - height, y + gap, y - height / 2];
    const spots: [number, number][] = [
      [right, level],
      [left, level],
      [middle, above],
      [middle, below],
      [right, above],
      [left, above],
      [right, below],
      [left, below],
    ];
    const box = spots
      .map(([l, t]): Box => [l, t, l + width, t + height])
      .find(
        (b) =>
          b[0] >= area[0] &&
          b[1] >= area[1] &&
          b[2] <= area[2] &&
          b[3] <= area[3] &&
          !taken.some((t) => overlaps(t, b)),
      );
    if (!box) continue;
    taken.push(box);
    placed.push({ text, x: box[0], y: box[1] + font });
  }
  return placed;
}

/** A linear map from [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function linear(d0: number, d1: number, r0: number, r1: number) {
  return (value: number) =>
    d1 === d0 ? (r0 + r1) / 2 : r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** Lighter to darker blue by share; `dark` cells take light text, for contrast. */
export function heat(share: number): { fill: string; dark: boolean } {
  const lightness = Math.round(97 - share * 62);
  return { fill: `hsl(215 70% ${lightness}%)`, dark: lightness < 60 };
}

export interface EpochPoint {
  /**
   * The cross-validation round (1-based) whose sweep reported it: every round sweeps the candidates
   * again, on its own folds. Null in a holdout sweep, and on a report's curves (the mean over rounds).
   */
  round: number | null;
  /** The sweep candidate (1-based) and its hyperparameters, as the progress message names them. */
  candidate: number;
  hyperparameters: string;
  epoch: number;
  loss: number;
}

/** A holdout sweep's message, or a cross-validation round's ("round 2/15 of …: candidate …"). */
const EPOCH_MESSAGE =
  /^(?:round (\d+)\/\d+ [^:]*: )?candidate (\d+)\/\d+ (.*); epoch (\d+) validation loss ([\d.]+)$/;

/** The epoch a training job's progress message reports (heads that train in epochs), if any. */
export function epochPoint(message: string | null): EpochPoint | null {
  const match = message ? EPOCH_MESSAGE.exec(message) : null;
  if (!match) return null;
  return {
    round: match[1] === undefined ? null : Number(match[1]),
    candidate: Number(match[2]),
    hyperparameters: match[3] as string,
    epoch: Number(match[4]),
    loss: Number(match[5]),
  };
}

/**
 * Adds a point to the curves, one per candidate and round, each epoch once and in order (the job's
 * events sample its progress, so a curve may skip epochs, never go back).
 */
export function withEpoch(curves: EpochPoint[][], point: EpochPoint | null): EpochPoint[][] {
  if (!point) return curves;
  const index = curves.findIndex(
    (curve) => curve[0]?.candidate === point.candidate && curve[0]?.round === point.round,
  );
  if (index < 0) return [...curves, [point]];
  const curve = curves[index] as EpochPoint[];
  if ((curve[curve.length - 1] as EpochPoint).epoch >= point.epoch) return curves;
  return curves.map((c, k) => (k === index ? [...c, point] : c));
}

/** The newest cross-validation round the curves come from; null when none is a round's. */
export function latestRound(curves: EpochPoint[][]): number | null {
  const rounds = curves.flatMap((curve) => curve[0]?.round ?? []);
  return rounds.length > 0 ? Math.max(...rounds) : null;
}

/**
 * Each candidate's name in a learning curve's legend: its number, and the hyperparameters whose
 * values tell the candidates apart (the MLP's sweep varies only `weightDecay`).
 */
export function candidateNames(points: EpochPoint[]): { candidate: number; name: string }[] {
  const byCandidate = new Map(points.map((p) => [p.candidate, parsedObject(p.hyperparameters)]));
  const all = [...byCandidate.values()];
  const differing = [...new Set(all.flatMap((h) => Object.keys(h)))].filter(
    (key) => new Set(all.map((h) => JSON.stringify(h[key]))).size > 1,
  );
  return [...byCandidate]
    .sort(([a], [b]) => a - b)
    .map(([candidate, hyperparameters]) => ({
      candidate,
      name: [
        `candidate ${candidate}`,
        differing
          .filter((key) => key in hyperparameters)
          .map((key) => `${key} ${String(hyperparameters[key])}`)
          .join(", "),
      ]
        .filter(Boolean)
        .join(": "),
    }));
}

/** A JSON object's entries; anything else (not JSON, not an object) has none. */
function parsedObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The learning curves a training report keeps: a finetune training's candidates, else its sweep's
 * rows that trained in epochs (the MLP's).
 */
export function reportCurves(
  report: Pick<TrainingReport, "hyperparameters"> & { finetune?: { candidates: SweepRow[] } },
): EpochPoint[][] {
  return sweepCurves(report.finetune?.candidates ?? report.hyperparameters.sweep);
}

/** One curve per sweep row that trained in epochs. */
export function sweepCurves(sweep: SweepRow[]): EpochPoint[][] {
  return sweep.flatMap((row, index) =>
    row.epochs?.length
      ? [
          row.epochs.map(({ epoch, validationLoss }) => ({
            round: null,
            candidate: index + 1,
            hyperparameters: JSON.stringify(row.hyperparameters),
            epoch,
            loss: validationLoss,
          })),
        ]
      : [],
  );
}

/** A loss on a learning curve's axis: two decimals, or two significant digits below 0.01 (not "0.00"). */
export function lossLabel(loss: number): string {
  return loss >= 0.01 || loss === 0 ? loss.toFixed(2) : loss.toPrecision(2);
}
