/** A worker (the app over the isolate's backbone pool, ./isolate-pool.ts) for a deployment. */

import { createApp } from "../../app";
import type { Bindings } from "../../env";
import type { Deployment } from "./deployment";
import { isolatePool, serveDeployment } from "./isolate-pool";

export function workerFor(deployment: Deployment) {
  serveDeployment(deployment);
  return createApp((env: Bindings) => isolatePool(env.ASSETS));
}
