/** A worker (the app over a backbone pool kept at module scope for the isolate's life) for a deployment. */

import { createApp } from "../../app";
import type { Bindings } from "../../env";
import { BackbonePool } from "../backbones";
import { workerdHost } from "../workerd";
import type { Deployment } from "./deployment";

export function workerFor(deployment: Deployment) {
  let pool: BackbonePool | undefined;
  return createApp((env: Bindings) => {
    pool ??= new BackbonePool(workerdHost(env.ASSETS, deployment));
    return pool;
  });
}
