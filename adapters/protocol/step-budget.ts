/**
 * How much work one step of a training does before it stops for a checkpoint and lets other requests
 * in: about 2·10^8 floating-point operations, a few hundred ms of scalar JavaScript on a slow core.
 * A count and not a clock, because workerd in production does not advance its clock while computing,
 * and because a count puts step boundaries at the same places on every run.
 */
export const STEP_FLOPS = 2e8;
