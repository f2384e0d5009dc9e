import wabtInit from "wabt";
import { gemmWat } from "./gemm-wat";

/** gemm.wasm's bytes, assembled from gemmWat() (a build step: wabt is a dev dependency). */
export async function assembleGemmWasm(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("gemm.wat", gemmWat(), { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}
