import { type GemmKernel, useGemmKernel } from "../../adapters";
import { JS_GEMM } from "../../adapters/linalg/js-gemm";
import { nodeGemmKernel } from "../../src/runtime/gemm/node-gemm";

/**
 * Installs the kernel the fits run on, as the Worker does: the WebAssembly SIMD one, or the plain
 * JS default with $HEADS_KERNEL=js (to compare). Returns its name for the table's caption.
 */
export async function installBenchGemmKernel(): Promise<string> {
  const kernel: GemmKernel = process.env.HEADS_KERNEL === "js" ? JS_GEMM : await nodeGemmKernel();
  useGemmKernel(kernel);
  return kernel.name;
}
