/**
 * The parts of a tfjs graph-model `model.json` (a TF GraphDef in protobuf-JSON form plus a weights
 * manifest) that the converter reads, and typed readers for node attributes.
 */

import { base64ToBytes } from "../../adapters/serialization/base64";

export interface TfjsGraphModelJson {
  readonly modelTopology: { readonly node: readonly TfNode[] };
  readonly weightsManifest: readonly TfWeightGroup[];
}

export interface TfWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfWeightSpec[];
}

export interface TfWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32" | "bool" | "string" | "complex64";
  /** Affine uint8/uint16 (value = q·scale + min) or float16 storage. */
  readonly quantization?: {
    readonly dtype: "uint8" | "uint16" | "float16";
    readonly min?: number;
    readonly scale?: number;
  };
}

export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfAttr>>;
}

export interface TfAttr {
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  /** base64 */
  readonly s?: string;
  readonly type?: string;
  readonly list?: { readonly i?: readonly (string | number)[]; readonly s?: readonly string[] };
  readonly shape?: {
    readonly dim?: readonly { readonly size?: string | number }[];
    readonly unknownRank?: boolean;
  };
}

/** Error raised for anything the converter cannot express, naming the op and node. */
export class ConversionError extends Error {
  override readonly name = "ConversionError";

  constructor(node: TfNode, problem: string) {
    super(`${problem} (op '${node.op}' at node '${node.name}')`);
  }
}

/** A data input's producer name: "x:0" → "x"; control inputs ("^x") are dropped by the caller. */
export function producerOf(node: TfNode, input: string): string {
  const [name, index] = input.split(":");
  if (index !== undefined && index !== "0") {
    throw new ConversionError(
      node,
      `input '${input}' uses output ${index}; only single-output producers are supported`,
    );
  }
  return name ?? input;
}

export function dataInputs(node: TfNode): string[] {
  return (node.input ?? [])
    .filter((input) => !input.startsWith("^"))
    .map((input) => producerOf(node, input));
}

export function attrInts(node: TfNode, name: string, fallback?: readonly number[]): number[] {
  const list = node.attr?.[name]?.list;
  if (list === undefined) {
    if (fallback !== undefined) return [...fallback];
    throw new ConversionError(node, `attribute '${name}' is missing`);
  }
  return (list.i ?? []).map(Number);
}

export function attrString(node: TfNode, name: string, fallback?: string): string {
  const s = node.attr?.[name]?.s;
  if (s === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ConversionError(node, `attribute '${name}' is missing`);
  }
  return decodeBase64(s);
}

export function attrStrings(node: TfNode, name: string): string[] {
  return (node.attr?.[name]?.list?.s ?? []).map(decodeBase64);
}

export function attrBool(node: TfNode, name: string, fallback: boolean): boolean {
  return node.attr?.[name]?.b ?? fallback;
}

export function attrFloat(node: TfNode, name: string, fallback: number): number {
  return node.attr?.[name]?.f ?? fallback;
}

/** Placeholder shape: -1 for unknown dimensions. */
export function attrShape(node: TfNode, name: string): number[] {
  const shape = node.attr?.[name]?.shape;
  if (shape === undefined || shape.unknownRank) {
    throw new ConversionError(node, `attribute '${name}' must give a shape of known rank`);
  }
  return (shape.dim ?? []).map((dim) => Number(dim.size ?? -1));
}

export function attrType(node: TfNode, name: string): string {
  const type = node.attr?.[name]?.type;
  if (type === undefined) throw new ConversionError(node, `attribute '${name}' is missing`);
  return type;
}

/** A string attribute: base64 of UTF-8 bytes. */
function decodeBase64(s: string): string {
  return new TextDecoder().decode(base64ToBytes(s));
}
