import type { TrainProgress, TrainStage } from "../types";

export type ProgressListener = (p: TrainProgress) => void | Promise<void>;

/**
 * Reports progress and yields to the event loop, so a Durable Object can stream the progress and
 * serve other requests between the CPU-bound steps of training.
 */
export function progressReporter(listener: ProgressListener | undefined) {
  return async (stage: TrainStage, fraction: number, message: string): Promise<void> => {
    await listener?.({ stage, fraction, message });
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
}

export type ReportProgress = ReturnType<typeof progressReporter>;
