import { HeadInputError } from "../errors";
import type { EstimatorState } from "../estimator";
import { AdapterHead, type AdapterHeadParts } from "../heads/adapter-head";
import { HEAD_SPECS } from "../heads/registry";
import { StandardScaler } from "../preprocessing/standard-scaler";
import { type BackboneRef, HEAD_TYPES, type HeadType } from "../types";
import { corrupt, decodeContainer, encodeContainer } from "./container";

const ESTIMATOR_PREFIX = "estimator.";

/**
 * Parameters are stored as float32: half the bytes of float64 and far below the noise of the
 * embeddings. Training evaluates the decoded head, so the reported metrics are those of the stored one,
 * and decode-then-encode reproduces the bytes exactly.
 */
export function encodeHead(head: AdapterHead): Uint8Array {
  const state = head.estimator.getState();
  return encodeContainer({
    header: {
      headType: head.headType,
      backbone: head.backbone,
      labels: head.labels,
      temperature: head.temperature,
      abstainThreshold: head.abstainThreshold,
      standardize: head.scaler.params.withStd,
      estimator: { hyperparameters: state.hyperparameters, shape: state.shape },
    },
    arrays: [
      { name: "scaler.mean", values: Float32Array.from(head.scaler.mean) },
      { name: "scaler.scale", values: Float32Array.from(head.scaler.scale) },
      ...Object.entries(state.arrays).map(([name, values]) => ({
        name: ESTIMATOR_PREFIX + name,
        values: Float32Array.from(values),
      })),
    ],
  });
}

export function decodeHead(bytes: Uint8Array, expected: BackboneRef): AdapterHead {
  const { header, arrays } = decodeContainer(bytes);
  const backbone = header.backbone as BackboneRef | undefined;
  if (
    typeof backbone?.id !== "string" ||
    typeof backbone.weightsHash !== "string" ||
    !Number.isInteger(backbone.dim)
  ) {
    corrupt("header has no backbone");
  }
  if (
    backbone.id !== expected.id ||
    backbone.weightsHash !== expected.weightsHash ||
    backbone.dim !== expected.dim
  ) {
    throw new HeadInputError(
      "backbone-mismatch",
      `head was trained on ${describe(backbone)}, not ${describe(expected)}; retrain it for this backbone`,
    );
  }
  const parts: AdapterHeadParts = {
    headType: headTypeOf(header.headType),
    backbone: {
      id: backbone.id,
      weightsHash: backbone.weightsHash,
      dim: backbone.dim,
      ...fusionBlocks(backbone),
    },
    labels: labelsOf(header.labels),
    scaler: StandardScaler.fromParameters(
      float64(arrays, "scaler.mean", backbone.dim),
      float64(arrays, "scaler.scale", backbone.dim),
      header.standardize === true,
    ),
    estimator: restoreEstimator(headTypeOf(header.headType), estimatorState(header, arrays)),
    temperature: positive(header.temperature, "temperature"),
    abstainThreshold:
      header.abstainThreshold === null
        ? null
        : positive(header.abstainThreshold, "abstainThreshold"),
  };
  return new AdapterHead(parts, encodeHead);
}

function restoreEstimator(headType: HeadType, state: EstimatorState) {
  try {
    return HEAD_SPECS[headType].restore(state);
  } catch (error) {
    return corrupt(error instanceof Error ? error.message : String(error));
  }
}

function estimatorState(
  header: Record<string, unknown>,
  arrays: Map<string, Float32Array>,
): EstimatorState {
  const estimator = header.estimator as Partial<EstimatorState> | undefined;
  if (typeof estimator?.hyperparameters !== "object" || typeof estimator.shape !== "object") {
    corrupt("header has no estimator");
  }
  const estimatorArrays: Record<string, Float64Array> = {};
  for (const [name, values] of arrays) {
    if (name.startsWith(ESTIMATOR_PREFIX))
      estimatorArrays[name.slice(ESTIMATOR_PREFIX.length)] = Float64Array.from(values);
  }
  return {
    hyperparameters: estimator.hyperparameters ?? {},
    shape: estimator.shape ?? {},
    arrays: estimatorArrays,
  };
}

function headTypeOf(value: unknown): HeadType {
  if (!HEAD_TYPES.includes(value as HeadType)) corrupt(`unknown head type ${String(value)}`);
  return value as HeadType;
}

function labelsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 2 || !value.every((l) => typeof l === "string"))
    corrupt("bad labels");
  return value as string[];
}

function positive(value: unknown, name: string): number {
  if (typeof value !== "number" || !(value > 0)) corrupt(`bad ${name}`);
  return value;
}

function float64(arrays: Map<string, Float32Array>, name: string, length: number): Float64Array {
  const values = arrays.get(name);
  if (values?.length !== length) corrupt(`array "${name}" missing or not of length ${length}`);
  return Float64Array.from(values);
}

function describe(b: BackboneRef): string {
  return `backbone ${b.id} (weights ${b.weightsHash}, dim ${b.dim})`;
}

/** A fused backbone's block dims (BackboneRef.blocks), kept when they are whole and add up to dim. */
function fusionBlocks(backbone: BackboneRef): Pick<BackboneRef, "blocks"> {
  const { blocks } = backbone;
  if (blocks === undefined) return {};
  if (
    !Array.isArray(blocks) ||
    !blocks.every((d) => Number.isInteger(d) && d > 0) ||
    blocks.reduce((a, b) => a + b, 0) !== backbone.dim
  ) {
    corrupt("header has fusion blocks that do not add up to the backbone's dim");
  }
  return { blocks: [...blocks] };
}
