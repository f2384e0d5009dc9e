/**
 * Accumulates the ONNX graph while tfjs nodes are converted: named values with their TF shapes and
 * layout, nodes, initializers and declared value shapes. Constants stay JS data until an ONNX node
 * uses them, so converters can reshape or permute them (conv filters, per-channel vectors) for free.
 */

import { NCHW_TO_NHWC, NHWC_TO_NCHW, padRank, permuteData, permuteShape } from "./layout";
import {
  type AttributeProto,
  AttributeType,
  DataType,
  type DataTypeCode,
  type DimensionProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./proto";
import { ConversionError, dataInputs, type TfNode } from "./tfjs-graph";
import type { AffineQuantization, ConstTensor } from "./weights";

export interface Value {
  /** TF shape (NHWC for 4-D activations); -1 where unknown. */
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
  /** Set for constants, which become initializers only when an ONNX node uses them. */
  readonly constant?: ConstTensor;
  /** The ONNX value holding it (for non-constants). */
  readonly onnxName?: string;
  /** The ONNX value is stored NCHW (4-D only). */
  readonly channelsFirst: boolean;
}

export type AttributeValue = number | readonly number[] | { readonly float: number } | string;

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly valueInfo: ValueInfoProto[] = [];
  private readonly values = new Map<string, Value>();
  private readonly usedNames = new Set<string>();
  /** Memoised layout conversions: `${onnxName}|${layout}` → ONNX name. */
  private readonly converted = new Map<string, string>();

  /** The value produced by the node's `index`-th data input. */
  input(node: TfNode, index: number): Value {
    const producer = dataInputs(node)[index];
    const value = producer === undefined ? undefined : this.values.get(producer);
    if (value === undefined) {
      throw new ConversionError(node, `input ${index} (${producer ?? "absent"}) is not available`);
    }
    return value;
  }

  /** A constant input (weights, axes, shapes), required to be known at conversion time. */
  constantInput(node: TfNode, index: number): ConstTensor {
    const { constant } = this.input(node, index);
    if (constant === undefined) {
      throw new ConversionError(node, `input ${index} must be a constant`);
    }
    return constant;
  }

  /** The values of an integer constant input (axes, shapes), which the converter reads. */
  integerInput(node: TfNode, index: number): number[] {
    const constant = this.constantInput(node, index);
    if (constant.dtype !== "int32" || constant.quantization !== undefined) {
      throw new ConversionError(node, `input ${index} must be an integer constant`);
    }
    return Array.from(constant.data);
  }

  has(tfName: string): boolean {
    return this.values.has(tfName);
  }

  get(tfName: string): Value | undefined {
    return this.values.get(tfName);
  }

  /** Records the value of a TF node and declares its ONNX shape. */
  define(tfName: string, value: Value): void {
    this.values.set(tfName, value);
    if (
      value.onnxName !== undefined &&
      !this.valueInfo.some((info) => info.name === value.onnxName)
    ) {
      this.valueInfo.push(valueInfo(value.onnxName, value));
    }
  }

  /** Keeps `name` for the caller (the graph output), so no converter takes it. */
  reserve(name: string): void {
    this.usedNames.add(name);
  }

  /** A fresh value name based on `base`. */
  fresh(base: string): string {
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }

  /** Adds an ONNX node and returns its (single) output name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    output = this.fresh(`${inputs[0] ?? opType}/${opType}`),
  ): string {
    this.usedNames.add(output);
    this.nodes.push({
      name: this.fresh(`${output}/node`),
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)),
    });
    return output;
  }

  /**
   * The ONNX name of a constant: its initializer or, for weights kept as their stored codes, the
   * float32 values the graph computes from them.
   */
  initializer(
    base: string,
    tensor: ConstTensor | { dtype: "int64"; shape: readonly number[]; data: BigInt64Array },
  ): string {
    const name = this.fresh(base);
    if ("quantization" in tensor && tensor.quantization !== undefined) {
      return this.dequantised(name, tensor, tensor.quantization);
    }
    const dataType = DATA_TYPES[tensor.dtype];
    this.push(name, dataType, tensor.shape, tensor.data);
    return name;
  }

  /**
   * code·scale + min in double precision, rounded to float32: the values tfjs decodes from the same
   * codes, bit for bit (DequantizeLinear multiplies in float32 by a float32 scale, which can differ
   * in the last bit). onnxruntime folds these nodes into one float32 initializer at session creation.
   */
  private dequantised(name: string, tensor: ConstTensor, { min, scale }: AffineQuantization) {
    const codes = this.fresh(`${name}/codes`);
    this.push(codes, DataType.UINT8, tensor.shape, tensor.data);
    const wide = this.node("Cast", [codes], { to: DataType.DOUBLE }, this.fresh(`${name}/wide`));
    const scaled = this.node("Mul", [wide, this.double(`${name}/scale`, scale)]);
    const shifted = this.node("Add", [scaled, this.double(`${name}/min`, min)]);
    return this.node("Cast", [shifted], { to: DataType.FLOAT }, name);
  }

  private double(base: string, value: number): string {
    const name = this.fresh(base);
    this.push(name, DataType.DOUBLE, [], Float64Array.of(value));
    return name;
  }

  private push(
    name: string,
    dataType: DataTypeCode,
    shape: readonly number[],
    data: ArrayBufferView,
  ): void {
    // A view, not a copy: constants are never changed once converted, and a copy of MobileNetV2's
    // weights would add to the peak of an export built inside a 128 MB isolate.
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims: [...shape], dataType, rawData });
  }

  int64s(base: string, values: readonly number[]): string {
    return this.initializer(base, {
      dtype: "int64",
      shape: [values.length],
      data: BigInt64Array.from(values, BigInt),
    });
  }

  /** A float32 scalar initializer, shared by every node that needs the same value. */
  scalar(value: number): string {
    return this.memo(`scalar:${value}`, "tf", () =>
      this.initializer(`const/${value}`, {
        dtype: "float32",
        shape: [],
        data: Float32Array.of(value),
      }),
    );
  }

  /** ONNX name of `value` stored NCHW; constants of lower rank are broadcast-aligned to rank 4. */
  channelsFirst(value: Value, base: string): string {
    const { constant } = value;
    if (constant !== undefined) {
      const shape = padRank(constant.shape, 4);
      return this.memo(base, "nchw", () =>
        this.initializer(`${base}/nchw`, {
          ...constant,
          shape: permuteShape(shape, NHWC_TO_NCHW),
          data: permuteData(constant.data, shape, NHWC_TO_NCHW),
        }),
      );
    }
    const name = onnxNameOf(value);
    if (value.channelsFirst) return name;
    if (value.shape.length !== 4)
      throw new Error(`cannot store a rank-${value.shape.length} value '${name}' channels-first`);
    return this.memo(name, "nchw", () =>
      this.node("Transpose", [name], { perm: NHWC_TO_NCHW }, this.fresh(`${name}/nchw`)),
    );
  }

  /** ONNX name of `value` in its TF layout. */
  asIs(value: Value, base: string): string {
    const { constant } = value;
    if (constant !== undefined) {
      return this.memo(base, "tf", () => this.initializer(base, constant));
    }
    const name = onnxNameOf(value);
    if (!value.channelsFirst) return name;
    return this.memo(name, "tf", () =>
      this.node("Transpose", [name], { perm: NCHW_TO_NHWC }, this.fresh(`${name}/nhwc`)),
    );
  }

  private memo(key: string, layout: string, make: () => string): string {
    const id = `${key}|${layout}`;
    let name = this.converted.get(id);
    if (name === undefined) {
      name = make();
      this.converted.set(id, name);
    }
    return name;
  }
}

const DATA_TYPES: Record<"float32" | "int32" | "int64", DataTypeCode> = {
  float32: DataType.FLOAT,
  int32: DataType.INT32,
  int64: DataType.INT64,
};

function onnxNameOf(value: Value): string {
  if (value.onnxName === undefined) throw new Error("value has no ONNX name");
  return value.onnxName;
}

/** Declared ONNX type and shape of a value: a free leading dimension is the symbolic "batch". */
export function valueInfo(name: string, value: Value): ValueInfoProto {
  const shape = value.channelsFirst ? permuteShape(value.shape, NHWC_TO_NCHW) : value.shape;
  const dim = shape.map((size, axis): DimensionProto => {
    if (size >= 0) return { dimValue: size };
    return axis === 0 ? { dimParam: "batch" } : {};
  });
  return { name, type: { tensorType: { elemType: DATA_TYPES[value.dtype], shape: { dim } } } };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === "number") return { name, type: AttributeType.INT, i: value };
  if (typeof value === "string")
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if ("float" in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: [...value] };
}
