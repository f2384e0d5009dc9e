/**
 * The input/output signature of an ONNX model, as declared in a backbone manifest and as the loaded
 * model really has it, and the check that the two agree.
 *
 * Conventions follow the tfjs manifests: a dimension of -1 is free (batch size, tokens). A model may
 * name a free dimension symbolically ("batch") or leave it unknown; both read as -1. Shapes must agree
 * exactly: a manifest that promises a free batch refuses a model fixed to batch 1, and vice versa.
 */

import { OnnxModelError } from "./errors";

export type OnnxDtype = "float32" | "float16" | "int32" | "int64" | "int8" | "uint8" | "bool";

export interface OnnxValueSpec {
  readonly name: string;
  readonly dtype: OnnxDtype;
  /** -1 marks a free dimension. */
  readonly shape: readonly number[];
}

export interface OnnxSignature {
  readonly inputs: readonly OnnxValueSpec[];
  readonly outputs: readonly OnnxValueSpec[];
}

/** What onnxruntime reports for one input or output. */
export interface OnnxValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Empty when the model leaves the rank unknown. */
  readonly shape?: ReadonlyArray<number | string>;
}

/** The model's real signature; symbolic or unknown dimensions become -1. */
export function signatureFromMetadata(
  inputs: readonly OnnxValueMetadata[],
  outputs: readonly OnnxValueMetadata[],
): OnnxSignature {
  return { inputs: inputs.map(valueSpec), outputs: outputs.map(valueSpec) };
}

/**
 * Refuses a model whose inputs differ from the declared ones (the model must have exactly those
 * inputs) or that lacks a declared output (extra outputs are fine: only declared ones are fetched).
 */
export function checkSignature(declared: OnnxSignature, actual: OnnxSignature): void {
  const problems = [
    ...missingOrDifferent("input", declared.inputs, actual.inputs),
    ...undeclared(declared.inputs, actual.inputs),
    ...missingOrDifferent("output", declared.outputs, actual.outputs),
  ];
  if (problems.length > 0) {
    throw new OnnxModelError(
      "signature-mismatch",
      `model does not match its manifest: ${problems.join("; ")}`,
    );
  }
}

function valueSpec(meta: OnnxValueMetadata): OnnxValueSpec {
  if (!meta.isTensor || meta.type === undefined) {
    throw new OnnxModelError(
      "unsupported-model",
      `'${meta.name}' is not a tensor; only tensor inputs and outputs are supported`,
    );
  }
  const shape = (meta.shape ?? []).map((dim) => (typeof dim === "number" && dim >= 0 ? dim : -1));
  return { name: meta.name, dtype: meta.type as OnnxDtype, shape };
}

function missingOrDifferent(
  kind: "input" | "output",
  declared: readonly OnnxValueSpec[],
  actual: readonly OnnxValueSpec[],
): string[] {
  return declared.flatMap((want) => {
    const have = actual.find((value) => value.name === want.name);
    if (have === undefined) {
      return [`${kind} '${want.name}' is missing (model has ${names(actual)})`];
    }
    return describeDifference(kind, want, have);
  });
}

function undeclared(
  declared: readonly OnnxValueSpec[],
  actual: readonly OnnxValueSpec[],
): string[] {
  return actual
    .filter((have) => !declared.some((want) => want.name === have.name))
    .map((have) => `input '${have.name}' is not declared in the manifest`);
}

function describeDifference(kind: string, want: OnnxValueSpec, have: OnnxValueSpec): string[] {
  const problems: string[] = [];
  if (want.dtype !== have.dtype) {
    problems.push(`${kind} '${want.name}' has type ${have.dtype}, manifest says ${want.dtype}`);
  }
  if (!shapesAgree(want.shape, have.shape)) {
    problems.push(
      `${kind} '${want.name}' has shape [${have.shape.join(",")}], manifest says [${want.shape.join(",")}]`,
    );
  }
  return problems;
}

function shapesAgree(want: readonly number[], have: readonly number[]): boolean {
  return want.length === have.length && want.every((dim, i) => dim === have[i]);
}

function names(values: readonly OnnxValueSpec[]): string {
  return values.length === 0 ? "none" : values.map((value) => `'${value.name}'`).join(", ");
}
