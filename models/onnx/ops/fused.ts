/**
 * The post-ops that tfjs-converter folds into _FusedConv2D, FusedDepthwiseConv2dNative and
 * _FusedMatMul: `fused_ops` is ["BiasAdd"] or ["BiasAdd", <activation>], the bias being the first
 * extra input after the op's own inputs. The bias becomes the ONNX op's bias input (Conv B, Gemm C)
 * and the activation a following node.
 */

import type { GraphBuilder } from "../graph-builder";
import { attrStrings, ConversionError, type TfNode } from "../tfjs-graph";
import type { ConstTensor } from "../weights";
import { type Activation, emitActivation, isActivation } from "./activation";

export interface FusedOps {
  readonly bias?: ConstTensor;
  readonly activation?: Activation;
}

/** `extraInput`: index of the first fused argument (2 for conv and matmul). */
export function fusedOps(node: TfNode, g: GraphBuilder, extraInput: number): FusedOps {
  const [first, second, ...rest] = attrStrings(node, "fused_ops");
  if (first === undefined) return {};
  if (first !== "BiasAdd" || rest.length > 0 || (second !== undefined && !isActivation(second))) {
    throw new ConversionError(
      node,
      `fused ops [${attrStrings(node, "fused_ops").join(", ")}] are not supported`,
    );
  }
  return {
    bias: g.constantInput(node, extraInput),
    ...(second !== undefined && { activation: second }),
  };
}

/** Emits the main op (through `main(output)`) then the fused activation; returns the node's value name. */
export function emitFused(
  g: GraphBuilder,
  node: TfNode,
  fused: FusedOps,
  main: (output: string) => string,
): string {
  if (fused.activation === undefined) return main(g.fresh(node.name));
  const preActivation = main(g.fresh(`${node.name}/linear`));
  return emitActivation(g, node, fused.activation, preActivation, g.fresh(node.name));
}
