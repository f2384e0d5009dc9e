import { STEP_FLOPS } from "../../adapters";
import type { Bindings } from "../env";

/** A job step's work: STEP_FLOPS, unless the deployment sets JOB_STEP_FLOPS (the tests' small steps). */
export function jobStepFlops(env: Pick<Bindings, "JOB_STEP_FLOPS">): number {
  return Number(env.JOB_STEP_FLOPS) || STEP_FLOPS;
}
