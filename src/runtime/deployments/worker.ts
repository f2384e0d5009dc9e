/** A worker (the app over the isolate's backbone pool, ./isolate-pool.ts) for a deployment. */

import jpegDecoderWasm from "imagescript/wasm/any/jpeg.wasm";
import { useGemmKernel } from "../../../adapters";
import { useScaledJpegDecoder } from "../../../models/image";
import { createApp } from "../../app";
import type { Bindings } from "../../env";
import { BUNDLED_GEMM } from "../gemm/bundled-gemm";
import type { Deployment } from "./deployment";
import { isolatePool, serveDeployment } from "./isolate-pool";
import { warmOnFirstRequest } from "./warm-up";

export function workerFor(deployment: Deployment) {
  serveDeployment(deployment);
  // Every fit in this isolate (the JobRunner objects run the same script) uses the SIMD kernel.
  useGemmKernel(BUNDLED_GEMM);
  // JPEGs over the pixel limit are decoded reduced (models/image/scaled-jpeg.ts); wrangler compiles
  // the decoder's 92 KB of wasm at bundle time.
  useScaledJpegDecoder(jpegDecoderWasm);
  const app = createApp((env: Bindings) => isolatePool(env.ASSETS));
  return {
    fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
      warmOnFirstRequest(isolatePool(env.ASSETS), env.WARM_BACKBONES, ctx);
      return app.fetch(request, env, ctx);
    },
  };
}
