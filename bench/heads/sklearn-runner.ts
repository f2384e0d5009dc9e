import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EmbeddingSet } from "./embedding-set";

export interface SklearnResult {
  accuracy: number;
  macroF1: number;
  fitMs: number;
  /** The same span in CPU time of the Python process (all its threads). */
  fitCpuMs: number;
  chosenC: number;
}

/**
 * A benchmark task: the pool both protocols see, and the test split they are scored on; with train
 * and validation (parts of the pool), the C sweep on that split instead of the CV search.
 */
export interface PoolTask {
  pool: Int32Array;
  test: Int32Array;
  train?: Int32Array;
  validation?: Int32Array;
  /** The sweep on the objective divided by n, as scikit-learn >= 1.4 scales lbfgs's (see the script). */
  meanScaled?: boolean;
}

/** Debian's python3-sklearn lives in the system interpreter; override with $PYTHON. */
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./sklearn_logistic.py", import.meta.url));

/** The set as Python reads it: rows x dim float32 features and a JSON list of labels, in a temp dir. */
export async function writeSklearnInput(set: EmbeddingSet): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "heads-bench-"));
  const features = new Float32Array(set.samples.length * set.backbone.dim);
  set.samples.forEach((s, i) => {
    features.set(s.features, i * set.backbone.dim);
  });
  await writeFile(join(dir, "features.f32"), new Uint8Array(features.buffer));
  await writeFile(
    join(dir, "meta.json"),
    JSON.stringify({ dim: set.backbone.dim, labels: set.samples.map((s) => s.label) }),
  );
  return dir;
}

/**
 * One BLAS thread unless $OPENBLAS_NUM_THREADS says otherwise: ours fits on one thread, and on a
 * shared machine OpenBLAS's idle threads spin, which would count as CPU time the work did not need.
 */
function blasEnv(): NodeJS.ProcessEnv {
  const threads = process.env.OPENBLAS_NUM_THREADS ?? "1";
  return { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
}

/** Runs the scikit-learn reference (see sklearn_logistic.py) on the tasks, in one Python process. */
export async function runSklearn(
  inputDir: string,
  tasks: PoolTask[],
  cGrid: readonly number[],
  maxIter: number,
): Promise<SklearnResult[]> {
  const job = JSON.stringify({
    input: inputDir,
    cGrid,
    maxIter,
    tasks: tasks.map(({ pool, test, train, validation, meanScaled }) => ({
      pool: [...pool],
      test: [...test],
      ...(train && validation ? { train: [...train], validation: [...validation] } : {}),
      meanScaled: meanScaled === true,
    })),
  });
  const child = spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "inherit"], env: blasEnv() });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  const exitCode = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  child.stdin.end(job);
  const code = await exitCode;
  if (code !== 0) throw new Error(`${PYTHON} ${SCRIPT} exited with ${code}`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as SklearnResult[];
}
