/**
 * The ops that turn a backbone's cut-layer output into an adapter head's probabilities, appended to
 * a GraphBuilder: the cut layer's pooling and L2 normalisation (what every backbone does to give an
 * embedding, models/graph-model.ts), then the head's steps (adapters' describeHead), the temperature
 * and a softmax. All on [batch, features] values in float32.
 */

import type { HeadStep } from "../../adapters/serialization/head-description";
import type { LayerPooling } from "../manifest";
import type { GraphBuilder, Value } from "./graph-builder";
import { NCHW_TO_NHWC } from "./layout";
import { placeReduction } from "./ops/reduced-axes";

/** What the graph needs of a head: its steps, its temperature, and one logit per label. */
export interface HeadGraph {
  readonly labels: readonly string[];
  readonly steps: readonly HeadStep[];
  readonly temperature: number;
}

/** The ε of l2Normalize in models/graph-model.ts: an all-zero row stays zero. */
const L2_EPSILON = 1e-12;

/** A cut layer's output → the L2-normalised [batch, dim] embedding, under the name `output`. */
export function appendEmbedding(
  g: GraphBuilder,
  cut: Value,
  layer: LayerPooling & { readonly dim: number },
  output: string,
): string {
  const { dim } = layer;
  let features: string;
  if (layer.pooling === "grid-average") {
    const { window, stride } = layer.grid;
    if (cut.shape.length !== 4)
      throw new Error(`pooling needs a [N,H,W,C] map, got [${cut.shape}]`);
    // AveragePool runs channels-first; the cells are then flattened in NHWC order, as tfjs does.
    const cells = g.node(
      "AveragePool",
      [g.channelsFirst(cut, "cut")],
      { kernel_shape: [window, window], strides: [stride, stride] },
      g.fresh("cut/grid"),
    );
    const nhwc = g.node("Transpose", [cells], { perm: NCHW_TO_NHWC }, g.fresh("cut/grid/nhwc"));
    features = g.node("Reshape", [nhwc, g.int64s("cut/shape", [-1, dim])]);
  } else if (layer.pooling === "global-average") {
    if (cut.shape.length !== 4)
      throw new Error(`pooling needs a [N,H,W,C] map, got [${cut.shape}]`);
    // Over H and W, where the map is stored (no Transpose back to NHWC), as the Mean op converts.
    const { input, axes } = placeReduction(g, cut, [1, 2], false, "cut");
    features = g.node("ReduceMean", [input], { axes, keepdims: 0 }, g.fresh("cut/pooled"));
  } else {
    features = g.asIs(cut, "cut");
    if (cut.shape.length !== 2) {
      features = g.node("Reshape", [features, g.int64s("cut/shape", [-1, dim])]);
    }
  }
  return l2Normalize(g, features, output);
}

/** An embedding → the head's calibrated probabilities, under the name `output`. */
export function appendHead(g: GraphBuilder, embedding: string, head: HeadGraph, output: string) {
  let x = embedding;
  head.steps.forEach((step, index) => {
    x = appendStep(g, x, step, `head/${index}/${step.op}`);
  });
  const scaled = g.node("Div", [x, g.scalar(head.temperature)], {}, g.fresh("head/tempered"));
  return g.node("Softmax", [scaled], { axis: -1 }, output);
}

function appendStep(g: GraphBuilder, x: string, step: HeadStep, base: string): string {
  switch (step.op) {
    case "standardize": {
      const centred = g.node("Sub", [x, floats(g, `${base}/mean`, step.mean)], {}, g.fresh(base));
      return g.node("Div", [centred, floats(g, `${base}/scale`, step.scale)], {}, g.fresh(base));
    }
    case "l2-normalize":
      return l2Normalize(g, x, g.fresh(base));
    case "linear": {
      const weights = g.initializer(`${base}/weights`, {
        dtype: "float32",
        shape: [step.weights.length, step.weights[0]?.length ?? 0],
        data: Float32Array.from(step.weights.flat()),
      });
      // Gemm's B is [in, out]; transB reads the [out, in] rows as they are.
      const inputs = [x, weights, floats(g, `${base}/bias`, step.bias)];
      return g.node("Gemm", inputs, { transB: 1 }, g.fresh(base));
    }
    case "relu":
      return g.node("Relu", [x], {}, g.fresh(base));
  }
}

/** x / max(‖x‖₂, ε) row-wise. */
function l2Normalize(g: GraphBuilder, x: string, output: string): string {
  const norm = g.node("ReduceL2", [x], { axes: [1], keepdims: 1 }, g.fresh(`${output}/norm`));
  const floor = g.node("Max", [norm, g.scalar(L2_EPSILON)], {}, g.fresh(`${output}/floor`));
  return g.node("Div", [x, floor], {}, output);
}

function floats(g: GraphBuilder, name: string, values: readonly number[]): string {
  return g.initializer(name, {
    dtype: "float32",
    shape: [values.length],
    data: Float32Array.from(values),
  });
}
