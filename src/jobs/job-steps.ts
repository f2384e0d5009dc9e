/**
 * A job as a process of bounded steps. Each kind (training, switch, selection) is a small state
 * machine over stages; a step does a bounded amount of work (a page of samples, a chunk of
 * embeddings, about STEP_FLOPS of head fitting, one candidate's scores) and leaves a checkpoint from
 * which a new process continues exactly. The job runner (src/objects/job-runner.ts) drives the steps,
 * stores the checkpoints and hands the result to the tenant's object.
 */

import type { BackbonePool } from "../runtime/backbones";
import type { SelectionReport } from "../selection/selection-report";
import type { JobProgress } from "../storage/jobs-table";
import type { AdapterRecord, JobRecord } from "../storage/records";
import type { RunnerState } from "../storage/runner-state";
import type { RawSampleRef, TrainingSample } from "../storage/samples-table";
import type { Publication } from "./publish-version";

/** What a job reads from its tenant's object (over RPC: hence the pages). */
export interface JobRecords {
  trainingPage(
    adapterId: string,
    after: string | null,
    storedBy: string,
    limit: number,
  ): Promise<TrainingSample[]>;
  /** The adapter's samples, or those stored by `storedBy` (a job's creation time). */
  rawSampleRefs(adapterId: string, storedBy?: string): Promise<RawSampleRef[]>;
  stageEmbeddings(
    jobId: string,
    embeddings: { hash: string; vector: Float32Array }[],
  ): Promise<boolean>;
}

export interface JobContext {
  tenantId: string;
  job: JobRecord;
  adapter: AdapterRecord;
  records: JobRecords;
  /** The runner's working sets of labelled vectors. */
  vectors: Pick<
    RunnerState,
    | "appendVectors"
    | "countVectors"
    | "lastVectorHash"
    | "readVectors"
    | "appendActivations"
    | "countActivations"
    | "readActivations"
  >;
  rawSamples: R2Bucket;
  backbones: () => BackbonePool;
  /** Head fitting per step, in floating-point operations. */
  stepFlops: number;
}

export type JobResult =
  | { kind: "head"; publication: Omit<Publication, "commit"> }
  | { kind: "report"; report: SelectionReport };

export interface JobSteps {
  readonly done: boolean;
  readonly progress: JobProgress;
  /** Steps the job may take before it fails as a runaway: JOB_STEPS, more for some trainings. */
  readonly stepBudget: number;
  /** One bounded step of work. */
  step(): Promise<void>;
  /** Plain data and Float64Arrays (adapters' checkpoint codec); only taken while not done. */
  checkpoint(): unknown;
  /** The job's result, once done. */
  result(): JobResult;
}
