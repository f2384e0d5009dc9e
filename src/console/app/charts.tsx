/** The report's plots, drawn as SVG by the page itself (geometry in ./plots.ts). */

import type { ComponentChildren, JSX, Ref } from "preact";
import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import {
  candidateNames,
  confusionLayout,
  type EpochPoint,
  heat,
  latestRound,
  linear,
  lossLabel,
  pointLabels,
  reliabilityBars,
} from "./plots";
import { movedIndex } from "./roving-focus";
import type { Candidate, ReliabilityBin } from "./types";
import { fixed, percent } from "./ui";

/**
 * The width a chart is drawn at: its box's, from 240 up to `max` CSS pixels. The chart's viewBox is
 * that wide, so that a unit is a pixel and its text keeps its size on a phone: scaled down to fit
 * one, a fixed viewBox shrank 11 px labels to 7. A chart that needs more room (a matrix of many
 * labels) scrolls sideways in its box.
 */
export function useChartWidth(max: number) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(max);
  useLayoutEffect(() => {
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    if (box.current) observer.observe(box.current);
    return () => observer.disconnect();
  }, []);
  // Whole pixels, rounded down: a fraction over the box's width would give it a scrollbar.
  return { box, width: Math.floor(Math.max(240, Math.min(max, width))) };
}

/** A chart's box and its SVG, whose viewBox is as wide as it is drawn (useChartWidth). */
export function Plot({
  box,
  width,
  height,
  label,
  children,
  ...attributes
}: {
  box: Ref<HTMLDivElement>;
  width: number;
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  children: ComponentChildren;
} & Omit<
  JSX.SVGAttributes<SVGSVGElement>,
  "width" | "height" | "viewBox" | "role" | "aria-label"
>) {
  return (
    <div class="chart" ref={box}>
      <svg
        class="plot"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        {...attributes}
      >
        {children}
      </svg>
    </div>
  );
}

/** Room right of the confusion matrix for the last column's slanted name. */
const SLANT_ROOM = 56;

export function ConfusionMatrix({
  labels,
  matrix,
  selected,
  onSelect,
}: {
  labels: string[];
  matrix: number[][];
  /** The cell whose samples are shown, if any. */
  selected: { trueLabel: string; predicted: string } | null;
  onSelect: (trueLabel: string, predicted: string) => void;
}) {
  // One tab stop for the whole matrix (256 labels would be 65,536 cells); the arrows move it.
  const [stop, setStop] = useState({ row: 0, col: 0 });
  const svg = useRef<SVGSVGElement>(null);
  // The arrows move along a row or a column; Home and End go to the row's ends.
  const moveFocus = (key: string, row: number, col: number) => {
    const options = { wrap: false } as const;
    const across = movedIndex(col, labels.length, key, { ...options, axis: "horizontal" });
    const down = movedIndex(row, labels.length, key, { ...options, axis: "vertical" });
    const to = across !== null ? { row, col: across } : down !== null ? { row: down, col } : null;
    if (!to) return false;
    setStop(to);
    svg.current?.querySelector<SVGGElement>(`[data-cell="${to.row}-${to.col}"]`)?.focus();
    return true;
  };
  const { box, width } = useChartWidth(390);
  const layout = confusionLayout(labels, matrix, width - SLANT_ROOM);
  const { margin, cellSize, size } = layout;
  const short = (label: string) => (label.length > 10 ? `${label.slice(0, 9)}…` : label);
  return (
    <div class="chart" ref={box}>
      {/* A group, not an image: its cells are buttons, which an image's role would hide. */}
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a <fieldset>. */}
      <svg
        ref={svg}
        class="plot"
        width={size + SLANT_ROOM}
        height={size + 4}
        viewBox={`0 0 ${size + SLANT_ROOM} ${size + 4}`}
        role="group"
        aria-label="confusion matrix: rows are true labels, columns predictions"
        data-testid="confusion-matrix"
      >
        <text x={margin} y={12} class="axis">
          predicted →
        </text>
        {labels.map((label, k) => {
          const column = { x: margin + k * cellSize + cellSize / 2, y: margin - 6 };
          return (
            <g key={label}>
              <text x={margin - 6} y={margin + k * cellSize + cellSize / 2 + 4} text-anchor="end">
                <title>{label}</title>
                {short(label)}
              </text>
              {/* Slanted, so that neighbouring columns' names do not run into each other. */}
              <text
                x={column.x}
                y={column.y}
                transform={`rotate(-40 ${column.x} ${column.y})`}
                text-anchor="start"
              >
                <title>{label}</title>
                {short(label)}
              </text>
            </g>
          );
        })}
        {layout.cells.map((cell) => {
          const colour = heat(cell.rowShare);
          const select = () => onSelect(cell.trueLabel, cell.predicted);
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG cell cannot be a <button>.
            <g
              key={`${cell.row}-${cell.col}`}
              class="cell"
              role="button"
              // Lower case: an SVG element's attributes are case-sensitive, and "tabIndex" left
              // the cells out of the keyboard's reach.
              tabindex={cell.row === stop.row && cell.col === stop.col ? 0 : -1}
              aria-label={`true ${cell.trueLabel}, predicted ${cell.predicted}: ${cell.count}`}
              aria-pressed={
                selected?.trueLabel === cell.trueLabel && selected.predicted === cell.predicted
              }
              data-cell={`${cell.row}-${cell.col}`}
              data-count={cell.count}
              onClick={select}
              onFocus={() => setStop({ row: cell.row, col: cell.col })}
              onKeyDown={(event) => {
                if (moveFocus(event.key, cell.row, cell.col)) {
                  event.preventDefault();
                  return;
                }
                if (event.key !== "Enter" && event.key !== " ") return;
                // A button's keys: Space selects rather than scrolls the page.
                event.preventDefault();
                select();
              }}
            >
              <rect
                x={cell.x}
                y={cell.y}
                width={cellSize - 2}
                height={cellSize - 2}
                fill={colour.fill}
              />
              <text
                x={cell.x + cellSize / 2 - 1}
                y={cell.y + cellSize / 2 + 4}
                text-anchor="middle"
                class={colour.dark ? "on-dark" : undefined}
              >
                {cell.count}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

const PAD = 36;

export function ReliabilityDiagram({ bins, ece }: { bins: ReliabilityBin[]; ece: number }) {
  const { box, width } = useChartWidth(390);
  const legend = useId();
  const x = linear(0, 1, PAD, width - 8);
  const y = linear(0, 1, width - PAD, 24);
  const bars = reliabilityBars(bins);
  return (
    <figure>
      <Plot
        box={box}
        width={width}
        height={width}
        label={`reliability diagram, ECE ${fixed(ece)}`}
        aria-describedby={legend}
        data-testid="reliability-diagram"
      >
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} class="diagonal" />
        {bars.map((bar) => (
          <g key={bar.lower} data-accuracy={bar.accuracy} data-count={bar.count}>
            <rect
              x={x(bar.lower) + 1}
              width={x(bar.upper) - x(bar.lower) - 2}
              y={y(bar.accuracy)}
              height={y(0) - y(bar.accuracy)}
              class="bar"
            >
              <title>
                {`confidence ${fixed(bar.confidence, 2)}, accuracy ${fixed(bar.accuracy, 2)}, ${bar.count} samples`}
              </title>
            </rect>
            <circle cx={x(bar.confidence)} cy={y(bar.confidence)} r={2.5} class="mean" />
          </g>
        ))}
        <Axes x={x} y={y} xLabel="confidence" yLabel="accuracy" ticks={[0, 0.5, 1]} />
      </Plot>
      {/* What the marks mean; the diagram's description too, so that a screen reader hears it. */}
      <ul class="legend hint" id={legend} data-testid="reliability-legend">
        <li>
          <svg class="swatch" viewBox="0 0 16 8" aria-hidden="true">
            <rect width={16} height={8} class="bar" />
          </svg>
          bars: observed accuracy per confidence bin
        </li>
        <li>
          <svg class="swatch" viewBox="0 0 16 8" aria-hidden="true">
            <circle cx={8} cy={4} r={3} class="mean" />
          </svg>
          dots: each bin's mean confidence, where its bar would end if calibrated
        </li>
        <li>
          <svg class="swatch" viewBox="0 0 16 8" aria-hidden="true">
            <line x1={0} y1={4} x2={16} y2={4} class="diagonal" />
          </svg>
          dashed line: perfect calibration (accuracy = confidence)
        </li>
      </ul>
      <figcaption data-testid="ece">ECE {fixed(ece)}</figcaption>
    </figure>
  );
}

function Axes({
  x,
  y,
  xLabel,
  yLabel,
  ticks,
  xTicks = ticks,
}: {
  x: (v: number) => number;
  y: (v: number) => number;
  xLabel: string;
  yLabel: string;
  ticks: number[];
  xTicks?: number[];
}) {
  const x0 = x(xTicks[0] ?? 0);
  const y0 = y(ticks[0] ?? 0);
  return (
    <g class="axes">
      <line x1={x0} y1={y0} x2={x(xTicks[xTicks.length - 1] ?? 1)} y2={y0} />
      <line x1={x0} y1={y0} x2={x0} y2={y(ticks[ticks.length - 1] ?? 1)} />
      {xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={y0 + 14} text-anchor="middle">
          {Number(t.toPrecision(3))}
        </text>
      ))}
      {ticks.map((t) => (
        <text key={`y${t}`} x={x0 - 4} y={y(t) + 4} text-anchor="end">
          {t}
        </text>
      ))}
      <text x={(x0 + x(xTicks[xTicks.length - 1] ?? 1)) / 2} y={y0 + 28} text-anchor="middle">
        {xLabel}
      </text>
      <text x={4} y={y(ticks[ticks.length - 1] ?? 1) - 12} class="axis">
        {yLabel}
      </text>
    </g>
  );
}

/**
 * Macro-F1 against latency per candidate; the front joined by a line, near ties ringed, each point
 * labelled with its rank in the table (./plots.ts places the labels clear of each other).
 */
export function ParetoPlot({ candidates }: { candidates: Candidate[] }) {
  const { box, width } = useChartWidth(540);
  const height = 320;
  const measured = candidates.filter((c) => c.metrics !== null);
  const latencies = measured.map((c) => c.metrics?.latencyMsPerItem ?? 0);
  const f1s = measured.map((c) => c.metrics?.crossValidatedMacroF1.mean ?? 0);
  const maxLatency = Math.max(1, ...latencies) * 1.1;
  const minF1 = Math.max(0, Math.min(...f1s, 1) - 0.1);
  // The right end leaves room for the last tick's number, centred on it.
  const x = linear(0, maxLatency, PAD + 8, width - 24);
  const y = linear(minF1, 1, height - PAD, 24);
  const front = measured
    .filter((c) => c.paretoOptimal)
    .sort((a, b) => (a.metrics?.latencyMsPerItem ?? 0) - (b.metrics?.latencyMsPerItem ?? 0));
  const at = (c: Candidate) =>
    [x(c.metrics?.latencyMsPerItem ?? 0), y(c.metrics?.crossValidatedMacroF1.mean ?? 0)] as const;
  // Best rank first, so that in a crowd the best keep their labels.
  const labels = pointLabels(
    measured
      .filter((c) => c.rank !== null)
      .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
      .map((c) => {
        const [px, py] = at(c);
        return { x: px, y: py, text: String(c.rank) };
      }),
    // Inside the axes, below the y axis' name.
    [x(0), 16, width, y(minF1)],
  );
  return (
    <Plot
      box={box}
      width={width}
      height={height}
      label="Pareto plot: macro-F1 against latency"
      data-testid="pareto-plot"
    >
      <polyline points={front.map((c) => at(c).join(",")).join(" ")} class="front" />
      {measured.map((c) => {
        const [cx, cy] = at(c);
        return (
          <g key={c.id} class={c.paretoOptimal ? "point front-point" : "point"}>
            {c.nearTie && <circle cx={cx} cy={cy} r={8} class="tie" />}
            <circle cx={cx} cy={cy} r={4} />
            <title>
              {`${c.id}: macro-F1 ${fixed(c.metrics?.crossValidatedMacroF1.mean ?? 0)}, ${fixed(c.metrics?.latencyMsPerItem ?? 0, 2)} ms/item${c.nearTie ? ", near tie" : ""}`}
            </title>
          </g>
        );
      })}
      <g data-testid="pareto-labels">
        {labels.map((label) => (
          <text key={label.text} x={label.x} y={label.y}>
            {label.text}
          </text>
        ))}
      </g>
      <Axes
        x={x}
        y={y}
        xLabel="latency, ms per item"
        yLabel="macro-F1"
        ticks={[Number(minF1.toFixed(2)), 1]}
        xTicks={[0, Number((maxLatency / 2).toPrecision(2)), Number(maxLatency.toPrecision(2))]}
      />
    </Plot>
  );
}

/** A horizontal bar for a value in [0, 1], labelled. */
export function Bar({ value, label }: { value: number; label?: string }) {
  return (
    <span class="hbar" title={label ?? percent(value)}>
      <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
        <rect width={100} height={10} class="track" />
        <rect width={Math.max(0, Math.min(1, value)) * 100} height={10} class="fill" />
      </svg>
      <span>{label ?? fixed(value)}</span>
    </span>
  );
}

/**
 * Validation loss by epoch, a line and a colour per sweep candidate. In cross-validation every round
 * sweeps the candidates again on its own folds: while it trains, a line per candidate and round, the
 * newest round's dark over the earlier rounds' light ones, so the chart moves on with each round.
 */
export function LearningCurve({ curves }: { curves: EpochPoint[][] }) {
  const points = curves.flat();
  const round = latestRound(curves);
  const isEarlier = (point: EpochPoint | undefined) => round !== null && point?.round !== round;
  // The newest round drawn last, over the others.
  const drawn = [...curves].sort((a, b) => Number(isEarlier(b[0])) - Number(isEarlier(a[0])));
  const firstEpoch = Math.min(...points.map((p) => p.epoch));
  const lastEpoch = Math.max(firstEpoch + 1, ...points.map((p) => p.epoch));
  const losses = points.map((p) => p.loss);
  const { box, width } = useChartWidth(390);
  const right = width - 10;
  const x = linear(firstEpoch, lastEpoch, 44, right);
  // The top leaves room for the axis' name above it, whole at 12 px.
  const y = linear(Math.min(...losses), Math.max(...losses), 150, 24);
  const styleOf = (point: EpochPoint | undefined) =>
    `${candidateColour(point?.candidate ?? 1)}${isEarlier(point) ? " earlier" : ""}`;
  return (
    <figure>
      <Plot
        box={box}
        width={width}
        height={180}
        label={`learning curve: validation loss by epoch${round === null ? "" : `, cross-validation round ${round}`}`}
        data-testid="learning-curve"
        data-round={round ?? undefined}
      >
        {drawn.map((curve) => (
          <polyline
            key={`${curve[0]?.round}-${curve[0]?.candidate}`}
            class={`curve ${styleOf(curve[0])}`}
            points={curve.map((p) => `${x(p.epoch)},${y(p.loss)}`).join(" ")}
          >
            <title>{`${curve[0]?.round ? `round ${curve[0].round}, ` : ""}candidate ${curve[0]?.candidate} ${curve[0]?.hyperparameters}`}</title>
          </polyline>
        ))}
        {drawn.flat().map((p) => (
          <circle
            key={`${p.round}-${p.candidate}-${p.epoch}`}
            cx={x(p.epoch)}
            cy={y(p.loss)}
            r={2}
            class={`dot ${styleOf(p)}`}
          />
        ))}
        <line x1={44} y1={150} x2={right} y2={150} class="axis-line" />
        <line x1={44} y1={150} x2={44} y2={24} class="axis-line" />
        <text x={40} y={28} text-anchor="end">
          {lossLabel(Math.max(...losses))}
        </text>
        <text x={40} y={150} text-anchor="end">
          {lossLabel(Math.min(...losses))}
        </text>
        <text x={44} y={166}>
          {firstEpoch}
        </text>
        <text x={right} y={166} text-anchor="end">
          epoch {lastEpoch}
        </text>
        <text x={4} y={13}>
          validation loss
        </text>
      </Plot>
      <figcaption class="hint">
        Validation loss per epoch, one line per sweep candidate
        {round === null
          ? "."
          : ` and cross-validation round: round ${round} dark, the earlier rounds light.`}
        <span class="legend">
          {candidateNames(points).map(({ candidate, name }) => (
            <span key={candidate}>
              <svg class="swatch" viewBox="0 0 16 8" aria-hidden="true">
                <line x1={0} y1={4} x2={16} y2={4} class={`curve ${candidateColour(candidate)}`} />
              </svg>
              {name}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/** A candidate's colour class: four colours, as many as a sweep has candidates (the MLP's: 2). */
const candidateColour = (candidate: number) => `candidate-${(candidate - 1) % 4}`;
