/**
 * 8-bit static quantisation of a converted model in ONNX's QDQ form, which onnxruntime fuses into
 * its integer kernels (QLinearConv, QLinearAdd) when the graph is optimised:
 * - every Conv weight int8, symmetric, one scale per output channel; its bias int32 at the scale
 *   input scale x weight scale (so the integer kernel adds it exactly);
 * - every activation between Conv, Clip and Add a QuantizeLinear → DequantizeLinear pair, uint8,
 *   with the scale and zero point of the range it took on calibration images. A Conv feeding a Clip
 *   (ReLU6) is quantised after the Clip only: ORT then drops the Clip, which the uint8 range does.
 * Everything else (input scaling, pooling, the embedding output) stays float.
 */

import { DataType, type ModelProto, type NodeProto, type TensorProto } from "../proto";

export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

const ACTIVATION_OPS = new Set(["Conv", "Clip", "Add"]);

/** The activations that get a Q → DQ pair: the tensors calibration must measure. */
export function quantisedActivations(model: ModelProto): string[] {
  const { node } = model.graph;
  const consumers = consumersOf(node);
  const chosen = new Set<string>();
  for (const n of node) {
    if (n.opType === "Conv" && n.input[0] !== undefined) chosen.add(n.input[0]);
    if (!ACTIVATION_OPS.has(n.opType)) continue;
    for (const output of n.output) {
      const users = consumers.get(output) ?? [];
      const feedsClip = n.opType === "Conv" && users.length === 1 && users[0]?.opType === "Clip";
      if (!feedsClip) chosen.add(output);
    }
  }
  return [...chosen];
}

/** The float model with each of `tensors` as an extra output, to read their ranges. */
export function withTensorOutputs(model: ModelProto, tensors: readonly string[]): ModelProto {
  const existing = new Set(model.graph.output.map((o) => o.name));
  const extra = tensors
    .filter((name) => !existing.has(name))
    .map((name) => ({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [] } } },
    }));
  // No declared shape: the extra outputs' ranks differ, and ORT infers them.
  for (const output of extra) delete (output.type.tensorType as { shape?: unknown }).shape;
  return { ...model, graph: { ...model.graph, output: [...model.graph.output, ...extra] } };
}

interface Affine {
  scale: number;
  zeroPoint: number;
}

/** uint8 scale and zero point of a range widened to contain 0 (so zero padding is exact). */
export function uint8Affine({ min, max }: TensorRange): Affine {
  const low = Math.min(min, 0);
  const high = Math.max(max, 0);
  const scale = high > low ? (high - low) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

export function quantizeQdq(
  model: ModelProto,
  ranges: ReadonlyMap<string, TensorRange>,
): ModelProto {
  const initializers = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const activations = new Map<string, Affine>();
  for (const name of quantisedActivations(model)) {
    const range = ranges.get(name);
    if (range === undefined) throw new Error(`no calibration range for ${name}`);
    activations.set(name, uint8Affine(range));
  }
  const added: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  const dequantised = (name: string) => (activations.has(name) ? `${name}/dq` : name);
  const graphInputs = new Set(model.graph.input.map((i) => i.name));
  const emitPair = (name: string) => {
    const affine = activations.get(name);
    if (affine === undefined) return;
    const scale = scalarInitializer(
      `${name}/scale`,
      DataType.FLOAT,
      new Float32Array([affine.scale]),
    );
    const zero = scalarInitializer(
      `${name}/zero`,
      DataType.UINT8,
      new Uint8Array([affine.zeroPoint]),
    );
    added.push(scale, zero);
    nodes.push(
      qdqNode("QuantizeLinear", [name, scale.name, zero.name], `${name}/q`),
      qdqNode("DequantizeLinear", [`${name}/q`, scale.name, zero.name], `${name}/dq`),
    );
  };
  for (const input of graphInputs) emitPair(input);
  for (const n of model.graph.node) {
    let inputs = n.input.map(dequantised);
    if (n.opType === "Conv") {
      const input = activations.get(n.input[0] ?? "");
      if (input === undefined) throw new Error(`Conv ${n.name} has an unquantised input`);
      const weights = quantiseConvWeights(n, initializers, input.scale);
      added.push(...weights.tensors);
      nodes.push(...weights.nodes);
      inputs = [inputs[0] as string, ...weights.inputs];
    }
    nodes.push({ ...n, input: inputs });
    for (const output of n.output) emitPair(output);
  }
  const used = new Set(nodes.flatMap((n) => n.input));
  return {
    ...model,
    graph: {
      ...model.graph,
      node: nodes,
      initializer: [...model.graph.initializer.filter((t) => used.has(t.name)), ...added],
    },
  };
}

/** int8 per-output-channel weights and int32 bias behind DequantizeLinear nodes. */
function quantiseConvWeights(
  conv: NodeProto,
  initializers: ReadonlyMap<string, TensorProto>,
  inputScale: number,
): { tensors: TensorProto[]; nodes: NodeProto[]; inputs: string[] } {
  const weight = initializers.get(conv.input[1] ?? "");
  if (weight === undefined) throw new Error(`Conv ${conv.name}: weights are not an initializer`);
  const w = floats(weight);
  const channels = weight.dims[0] ?? 1;
  const perChannel = w.length / channels;
  const scales = new Float32Array(channels);
  const q = new Int8Array(w.length);
  for (let c = 0; c < channels; c++) {
    let amax = 0;
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++)
      amax = Math.max(amax, Math.abs(w[i] as number));
    const scale = amax > 0 ? amax / 127 : 1;
    scales[c] = scale;
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) {
      q[i] = Math.max(-127, Math.min(127, Math.round((w[i] as number) / Math.fround(scale))));
    }
  }
  const base = conv.input[1] as string;
  const tensors: TensorProto[] = [
    tensor(`${base}/int8`, weight.dims, DataType.INT8, q),
    tensor(`${base}/scale`, [channels], DataType.FLOAT, scales),
    tensor(`${base}/zero`, [channels], DataType.INT8, new Int8Array(channels)),
  ];
  const nodes = [
    qdqNode(
      "DequantizeLinear",
      tensors.slice(0, 3).map((t) => t.name),
      `${base}/dq`,
      0,
    ),
  ];
  const inputs = [`${base}/dq`];
  const bias = initializers.get(conv.input[2] ?? "");
  if (bias !== undefined) {
    const b = floats(bias);
    const biasScales = Float32Array.from(scales, (s) => s * inputScale);
    const qb = Int32Array.from(b, (v, c) => Math.round(v / (biasScales[c] as number)));
    const biasName = conv.input[2] as string;
    const biasTensors = [
      tensor(`${biasName}/int32`, bias.dims, DataType.INT32, qb),
      tensor(`${biasName}/scale`, [channels], DataType.FLOAT, biasScales),
      tensor(`${biasName}/zero`, [channels], DataType.INT32, new Int32Array(channels)),
    ];
    tensors.push(...biasTensors);
    nodes.push(
      qdqNode(
        "DequantizeLinear",
        biasTensors.map((t) => t.name),
        `${biasName}/dq`,
        0,
      ),
    );
    inputs.push(`${biasName}/dq`);
  }
  return { tensors, nodes, inputs };
}

function consumersOf(nodes: readonly NodeProto[]): Map<string, NodeProto[]> {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) {
    for (const input of n.input) consumers.set(input, [...(consumers.get(input) ?? []), n]);
  }
  return consumers;
}

function qdqNode(opType: string, input: string[], output: string, axis?: number): NodeProto {
  return {
    name: `${output}/node`,
    opType,
    input,
    output: [output],
    attribute: axis === undefined ? [] : [{ name: "axis", type: 2, i: axis }],
  };
}

function floats(t: TensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new Error(`${t.name} is not float32`);
  // A copy: decoded bytes may be a view into a larger (and unaligned) buffer.
  const copy = Uint8Array.from(t.rawData);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

function tensor(
  name: string,
  dims: readonly number[],
  dataType: TensorProto["dataType"],
  data: Float32Array | Int8Array | Uint8Array | Int32Array,
): TensorProto {
  return {
    name,
    dims: [...dims],
    dataType,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  };
}

function scalarInitializer(
  name: string,
  dataType: TensorProto["dataType"],
  data: Float32Array | Uint8Array,
): TensorProto {
  return tensor(name, [], dataType, data);
}
