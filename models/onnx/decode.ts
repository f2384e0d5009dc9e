/**
 * Reads ONNX models back with protobufjs's reflection over `onnx.proto.json`. Build time, benchmarks
 * and tests only: reflection makes its decoders with `new Function`, which workerd refuses at request
 * time, so the worker only ever encodes (./proto.ts).
 */

import protobuf from "protobufjs";
import descriptor from "./onnx.proto.json";
import type { ModelProto } from "./proto";

const ModelType = protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");

/** Reads a model (the converter's own output, e.g. to quantise it), with every field present. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return ModelType.toObject(ModelType.decode(bytes), {
    longs: Number,
    bytes: Uint8Array,
    defaults: true,
    arrays: true,
  }) as ModelProto;
}
