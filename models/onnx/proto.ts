/**
 * The ONNX protobuf messages the converter writes, encoded with protobufjs.
 *
 * `onnx.proto.json` is a protobufjs JSON descriptor of the subset of `onnx/onnx.proto` (ONNX IR 7,
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, MIT) that describes a model: ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto.Tensor,
 * TensorShapeProto and OperatorSetIdProto, with the upstream field numbers and names in camelCase.
 * Fields the converter never writes (sparse tensors, training info, segments…) are left out; a
 * protobuf reader skips nothing it needs, so the files are complete ONNX models.
 */

import protobuf from "protobufjs";
import descriptor from "./onnx.proto.json";

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: DataTypeCode;
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: (typeof AttributeType)[keyof typeof AttributeType];
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A dimension is a size, or a symbolic name for a free one, or unknown (`{}`). */
export type DimensionProto = { dimValue: number } | { dimParam: string } | Record<string, never>;

export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: DataTypeCode; shape: { dim: DimensionProto[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: GraphProto;
  metadataProps: { key: string; value: string }[];
}

const ModelType = protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");

export function encodeModel(model: ModelProto): Uint8Array {
  const problem = ModelType.verify(model);
  if (problem !== null) {
    throw new Error(`invalid ONNX model message: ${problem}`);
  }
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

/** Reads a model (the converter's own output, e.g. to quantise it). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return ModelType.toObject(ModelType.decode(bytes), {
    longs: Number,
    bytes: Uint8Array,
    defaults: true,
    arrays: true,
  }) as ModelProto;
}
