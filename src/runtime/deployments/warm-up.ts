/**
 * Warm-up: the first request an isolate receives (a health check, usually, or the docs page) starts
 * loading the backbones named in WARM_BACKBONES and runs a few forward passes on each, in the background
 * (`ctx.waitUntil`), so that the first embedding or prediction finds them parsed and warm instead of
 * paying for it. Workers cannot do I/O while the script loads, hence the first request. A warmed
 * backbone stays loaded until another one needs its room (../residency.ts), so name only what the
 * deployment serves: `npm start` warms MobileNetV2 (.dev.vars); deployments warm nothing by default.
 */

import type { BackbonePool } from "../backbones";

let warming = false;

export function warmOnFirstRequest(
  pool: BackbonePool,
  names: string | undefined,
  ctx: ExecutionContext,
): void {
  if (warming) return;
  warming = true;
  const ids = (names ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  ctx.waitUntil(
    Promise.all(
      ids.map((id) =>
        pool.warm(id).catch((error) => console.warn(`backbone ${id} not warmed`, error)),
      ),
    ),
  );
}
