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
 * evaluation-protocol.ts, at `stepFlops` a step) up to JOB_STEPS more, when its head has one. An
 * MLP's fits stop early, 8 to 20 times below that worst case, yet at the training budget's largest
 * pools one on 4,096-d embeddings took 5,314 steps (64 hidden units) and 7,200 (256)
 * (bench/results/heads.md): the extra keeps such a training from failing at the line, while a
 * runaway, or hyperparameters asking for 1,000 epochs, still ends within twice a job's steps.
 */
export function trainingStepBudget(flopsBound: number | null, stepFlops = STEP_FLOPS): number {
  if (flopsBound === null) return JOB_STEPS;
  return JOB_STEPS + Math.min(JOB_STEPS, Math.ceil(flopsBound / stepFlops));
}
