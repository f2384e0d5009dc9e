import type { BackbonePool } from "../runtime/backbones";
import type { TrainingContext } from "./training";

/** What jobs that embed raw samples again need besides what training needs. */
export interface BackboneJobContext extends TrainingContext {
  /** The R2 bucket of retained raw uploads. */
  rawSamples: R2Bucket;
  /** The isolate's backbone pool, asked for only when a job embeds (training never does). */
  backbones: () => BackbonePool;
}
