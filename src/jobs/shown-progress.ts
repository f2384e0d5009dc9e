/**
 * A resumed job goes back to its last checkpoint (a large one is written at most every 2 s), so the
 * progress it computes can be behind what its followers were shown: "round 2/5" became "round 1/5"
 * after a restart. Until it catches up, what is stored keeps the fraction it had reached and says
 * why the message went back, so a progress bar never moves backwards without a word.
 */

import type { JobProgress } from "../storage/jobs-table";
import type { JobRecord } from "../storage/records";

const REDOING = "redoing the work since its last checkpoint (the job was interrupted)";

/** What to store after a step: the step's progress, or while a resumed job catches up, the above. */
export function shownProgress(
  stored: JobRecord["progress"],
  next: JobProgress,
  resumed: boolean,
): JobProgress {
  const catchingUp = resumed || (stored.message ?? "").startsWith(REDOING);
  if (!catchingUp || next.fraction >= stored.fraction) return next;
  return {
    stage: next.stage,
    fraction: stored.fraction,
    message: next.message ? `${REDOING}; ${next.message}` : REDOING,
  };
}
