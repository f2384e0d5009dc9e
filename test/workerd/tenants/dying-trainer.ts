import { trainHead } from "../../../adapters";
import type { Trainer } from "../../../src/jobs/training";

/** The real training protocol, interrupted once it has started sweeping (as a crash or a CPU limit would). */
export const dyingTrainer: Trainer = (input) =>
  trainHead({
    ...input,
    onProgress: async (progress) => {
      await input.onProgress?.(progress);
      if (progress.stage === "sweep") throw new Error("the isolate ran out of CPU time");
    },
  });
