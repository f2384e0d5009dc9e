/**
 * `npx tsx bench/heads/cli.ts <set>… [--shots 8,16,64,full] [--seeds 0,1,2] [--heads logistic,prototype,mlp] [--legacy] [--sweep-only]`
 * with each set `path[+testPath][:relabelling]` (see benchHeadsSuite)
 * prints the heads-vs-scikit-learn table for the given embeddings files. `--sweep-only`: only the
 * fit-time comparison, one C sweep with its refit on both sides (BenchHeadsOptions.sweepOnly).
 */
import { parseArgs } from "node:util";
import type { HeadType } from "../../adapters";
import { installBenchGemmKernel } from "./gemm-kernel";
import { benchHeads, headsMarkdown, parseSetSpec, type Shots } from "./index";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    shots: { type: "string" },
    seeds: { type: "string" },
    heads: { type: "string" },
    legacy: { type: "boolean" },
    "sweep-only": { type: "boolean" },
  },
});
await installBenchGemmKernel();
const list = (value: string | undefined) => value?.split(",").filter(Boolean);
const rows = await benchHeads({
  sets: await Promise.all(positionals.map(parseSetSpec)),
  shots: list(values.shots)?.map((s): Shots => (s === "full" ? "full" : Number(s))),
  seeds: list(values.seeds)?.map(Number),
  headTypes: list(values.heads) as HeadType[] | undefined,
  legacy: values.legacy,
  sweepOnly: values["sweep-only"],
});
console.log(headsMarkdown(rows));
