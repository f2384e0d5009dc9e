import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ShotSplit } from "./shot-splits";

export interface SklearnResult {
  accuracy: number;
  macroF1: number;
  fitMs: number;
  chosenC: number;
  iterations: number;
}

/** Debian's python3-sklearn lives in the system interpreter; override with $PYTHON. */
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./sklearn_logistic.py", import.meta.url));

/** Runs scikit-learn's LogisticRegression protocol on the same splits, in one Python process. */
export async function runSklearn(
  embeddingsPath: string,
  tasks: ShotSplit[],
  cGrid: readonly number[],
  maxIter: number,
): Promise<SklearnResult[]> {
  const job = JSON.stringify({
    embeddings: embeddingsPath,
    cGrid,
    maxIter,
    tasks: tasks.map(({ train, validation, test }) => ({
      train: [...train],
      validation: [...validation],
      test: [...test],
    })),
  });
  const child = spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
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
