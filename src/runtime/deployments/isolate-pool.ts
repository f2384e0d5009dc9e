/**
 * The backbone pool of this isolate, shared by the Worker's requests and the `JobRunner` objects'
 * jobs (selection and backbone switches embed samples inside the Durable Object). Both run the same
 * script, whose entry module names its deployment when it loads (./worker.ts), so an object's
 * isolate knows the deployment without the Worker handing it over.
 */

import { BackbonePool } from "../backbones";
import { workerdHost } from "../workerd";
import type { Deployment } from "./deployment";

let served: Deployment | undefined;
let pool: BackbonePool | undefined;

/** Called once by the entry module, at load. */
export function serveDeployment(deployment: Deployment): void {
  served = deployment;
}

export function isolatePool(assets: Fetcher): BackbonePool {
  if (!served) throw new Error("no deployment was served by this script's entry module");
  pool ??= new BackbonePool(workerdHost(assets, served));
  return pool;
}
