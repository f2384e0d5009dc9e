import { type FitHeadInput, type FitHeadResult, FitRun } from "./fit-run";
import type { ReportProgress } from "./progress";
import { STEP_FLOPS } from "./step-budget";

/**
 * The protocol after the split, run to its end: a FitRun advanced step by step, reporting progress
 * (and so yielding to the event loop) between steps.
 */
export async function fitHead(
  input: FitHeadInput & { report: ReportProgress },
): Promise<FitHeadResult> {
  const run = new FitRun(input);
  while (!run.done) {
    const { stage, fraction, message } = run.progress;
    await input.report(stage, 0.1 + 0.8 * fraction, message);
    run.advance(STEP_FLOPS);
  }
  return run.result;
}
