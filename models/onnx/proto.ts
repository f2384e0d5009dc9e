/**
 * The ONNX protobuf messages the converter writes, encoded with protobufjs's Writer.
 *
 * The encoder below writes each message's fields by hand with the upstream field numbers of
 * `onnx/onnx.proto` (ONNX IR 7, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, MIT), as
 * protobufjs's static code generator would: protobufjs's reflection builds its encoders with
 * `new Function`, which workerd refuses outside start-up (the export route encodes at request time).
 * `onnx.proto.json` is the same subset as a protobufjs descriptor (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto.Tensor, TensorShapeProto,
 * OperatorSetIdProto): the tests decode the files with it. Fields the converter never writes (sparse
 * tensors, training info, segments…) are left out; the files are complete ONNX models.
 */

import { Writer } from "protobufjs/minimal";

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
} as const;
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

/** The model's bytes in one buffer. */
export function encodeModel(model: ModelProto): Uint8Array {
  return joinParts(encodeModelParts(model));
}

/**
 * The model's bytes as consecutive parts: short encoded runs, and each initializer's raw data as
 * the very view the graph holds, so that a large model is never copied whole (a 128 MB isolate
 * streams the parts into its response instead).
 */
export function encodeModelParts(model: ModelProto): Uint8Array[] {
  const graph = encodeGraphParts(model.graph);
  const head = Writer.create();
  int64(head, 1, model.irVersion);
  string(head, 2, model.producerName);
  string(head, 3, model.producerVersion);
  string(head, 6, model.docString);
  key(head, 7, LENGTH_DELIMITED).uint32(byteLengthOf(graph));
  const tail = Writer.create();
  messages(tail, 8, model.opsetImport, (w, opset) => {
    string(w, 1, opset.domain);
    int64(w, 2, opset.version);
  });
  messages(tail, 14, model.metadataProps, (w, entry) => {
    string(w, 1, entry.key);
    string(w, 2, entry.value);
  });
  return [head.finish(), ...graph, tail.finish()];
}

export function byteLengthOf(parts: readonly Uint8Array[]): number {
  return parts.reduce((total, part) => total + part.byteLength, 0);
}

/** The parts copied into one buffer of their total length. */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(byteLengthOf(parts));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}

/** Wire types. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const key = (w: Writer, field: number, wireType: number) => w.uint32((field << 3) | wireType);

// Scalars are left out when they hold their default (0, "", no bytes), as protobufjs's reflection
// encoder writes this descriptor (implicit presence): the converted files stay byte for byte what
// they were, so prepared model.onnx files keep the sha256 their manifests pin. Fields of a oneof
// (a dimension's value or name) are always written.

function string(w: Writer, field: number, value: string | undefined): void {
  if (value) key(w, field, LENGTH_DELIMITED).string(value);
}

function int64(w: Writer, field: number, value: number | undefined): void {
  if (value) key(w, field, VARINT).int64(value);
}

function int32(w: Writer, field: number, value: number | undefined): void {
  if (value) key(w, field, VARINT).int32(value);
}

function float(w: Writer, field: number, value: number | undefined): void {
  if (value) key(w, field, FIXED32).float(value);
}

function bytes(w: Writer, field: number, value: Uint8Array | undefined): void {
  if (value?.length) key(w, field, LENGTH_DELIMITED).bytes(value);
}

function message<T>(
  w: Writer,
  field: number,
  value: T | undefined,
  write: (w: Writer, value: T) => void,
): void {
  if (value === undefined) return;
  key(w, field, LENGTH_DELIMITED).fork();
  write(w, value);
  w.ldelim();
}

function messages<T>(
  w: Writer,
  field: number,
  values: readonly T[],
  write: (w: Writer, value: T) => void,
): void {
  for (const value of values) message(w, field, value, write);
}

/** Graph fields in field order; each initializer is its encoded header, then its raw data. */
function encodeGraphParts(graph: GraphProto): Uint8Array[] {
  const nodes = Writer.create();
  messages(nodes, 1, graph.node, writeNode);
  string(nodes, 2, graph.name);
  const initializers = graph.initializer.flatMap((tensor) => {
    const header = Writer.create();
    writeTensorHeader(header, tensor);
    const headerBytes = header.finish();
    const field = Writer.create();
    key(field, 5, LENGTH_DELIMITED).uint32(headerBytes.byteLength + tensor.rawData.byteLength);
    return [joinParts([field.finish(), headerBytes]), tensor.rawData];
  });
  const values = Writer.create();
  messages(values, 11, graph.input, writeValueInfo);
  messages(values, 12, graph.output, writeValueInfo);
  messages(values, 13, graph.valueInfo, writeValueInfo);
  return [nodes.finish(), ...initializers, values.finish()];
}

function writeNode(w: Writer, node: NodeProto): void {
  for (const input of node.input) string(w, 1, input);
  for (const output of node.output) string(w, 2, output);
  string(w, 3, node.name);
  string(w, 4, node.opType);
  messages(w, 5, node.attribute, writeAttribute);
}

function writeAttribute(w: Writer, attribute: AttributeProto): void {
  string(w, 1, attribute.name);
  float(w, 2, attribute.f);
  int64(w, 3, attribute.i);
  bytes(w, 4, attribute.s);
  // Repeated scalars unpacked, as onnx.proto declares them, each written whatever its value.
  for (const f of attribute.floats ?? []) key(w, 7, FIXED32).float(f);
  for (const i of attribute.ints ?? []) key(w, 8, VARINT).int64(i);
  int32(w, 20, attribute.type);
}

/** A TensorProto up to its raw data's bytes, which follow it (raw_data is the last field written). */
function writeTensorHeader(w: Writer, tensor: TensorProto): void {
  for (const dim of tensor.dims) key(w, 1, VARINT).int64(dim);
  int32(w, 2, tensor.dataType);
  string(w, 8, tensor.name);
  if (tensor.rawData.length) key(w, 9, LENGTH_DELIMITED).uint32(tensor.rawData.length);
}

function writeValueInfo(w: Writer, info: ValueInfoProto): void {
  string(w, 1, info.name);
  message(w, 2, info.type.tensorType, (w, tensorType) => {
    // TypeProto.tensor_type (1) → TypeProto.Tensor { elem_type (1), shape (2) }.
    message(w, 1, tensorType, (w, tensor) => {
      int32(w, 1, tensor.elemType);
      message(w, 2, tensor.shape, (w, shape) => {
        messages(w, 1, shape.dim, (w, dim) => {
          if ("dimValue" in dim) key(w, 1, VARINT).int64(dim.dimValue);
          if ("dimParam" in dim) key(w, 2, LENGTH_DELIMITED).string(dim.dimParam);
        });
      });
    });
  });
}
