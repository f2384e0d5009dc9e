/** A worker (the app over the isolate's backbone pool, ./isolate-pool.ts) for a deployment. */

import { createApp } from "../../app";
import type { Bindings } from "../../env";
import type { Deployment } from "./deployment";
import { isolatePool, serveDeployment } from "./isolate-pool";
import { warmOnFirstRequest } from "./warm-up";

export function workerFor(deployment: Deployment) {
  serveDeployment(deployment);
  const app = createApp((env: Bindings) => isolatePool(env.ASSETS));
  return {
    fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
      warmOnFirstRequest(isolatePool(env.ASSETS), env.WARM_BACKBONES, ctx);
      return app.fetch(request, env, ctx);
    },
  };
}
