/**
 * How much work one step of a training does before it stops for a checkpoint and lets other requests
 * in: about 10^8 floating-point operations, 100–300 ms of scalar JavaScript on a slow, shared core
 * (measured under wrangler dev: 2·10^8 took 350 ms on average, 1 s at worst, on a loaded machine).
 * A count and not a clock, because workerd in production does not advance its clock while computing,
 * and because a count puts step boundaries at the same places on every run.
 */
export const STEP_FLOPS = 1e8;

/**
 * Steps a job may take in all (src/objects/job-runner.ts): at 100–300 ms each, about half an hour of
 * computation at most, so a runaway job ends.
 */
export const JOB_STEPS = 6_000;

/**
 * Steps a training may take: JOB_STEPS, plus the worst case of its fits (`flopsBound`, from
 * evaluation-protocol.ts) at `stepFlops` a step when its head has one. The budget guards against a
 * runaway job; a training bounded by its own worst case is not one, even where that outgrows
 * JOB_STEPS (an MLP on 4,096-d embeddings near 2,000 samples: about 7,000 steps in practice).
 */
export function trainingStepBudget(flopsBound: number | null, stepFlops = STEP_FLOPS): number {
  return flopsBound === null ? JOB_STEPS : JOB_STEPS + Math.ceil(flopsBound / stepFlops);
}
