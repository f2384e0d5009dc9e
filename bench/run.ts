/**
 * `npm run bench [suite…]`: runs benchmark suites one after the other. Each suite's section, stamped
 * with its command, date and machine, is kept in bench/results/<suite>.md, and bench/RESULTS.md is
 * rebuilt from all of them, so running one suite leaves the others' figures in place.
 * Suites: backbones, cold, export, finetune, fusion, heads, load, memory, onnx, selection, tenants. The heads and selection suites read embeddings cached by
 * `tsx bench/datasets/prepare.ts`.
 */

import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { benchBackbones } from "./backbones";
import { benchCold } from "./cold";
import { MissingDatasetError } from "./datasets/missing";
import { benchExport } from "./export";
import { benchFinetune } from "./finetune";
import { benchFusion } from "./fusion";
import { benchHeadsSuite } from "./heads";
import { benchLoad, loadOptionsFromEnv } from "./load";
import { benchMemory } from "./memory";
import { benchOnnx } from "./onnx";
import { benchSelection } from "./selection";
import { benchTenants } from "./tenants";
import { usage } from "./usage";

const SUITES: Record<string, () => Promise<string>> = {
  backbones: benchBackbones,
  cold: () => benchCold(),
  export: () => benchExport(),
  finetune: benchFinetune,
  fusion: () => benchFusion(),
  heads: () => benchHeadsSuite(),
  load: () => benchLoad(loadOptionsFromEnv()),
  memory: benchMemory,
  onnx: () => benchOnnx(),
  selection: () => benchSelection(),
  tenants: () => benchTenants(),
};

const RESULTS_DIR = new URL("./results/", import.meta.url);

function stamp(suite: string): string {
  const cpu = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`;
  return `_\`npm run bench -- ${suite}\`, ${new Date().toISOString().slice(0, 16)}Z, ${cpu}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at start._`;
}

const chosen = process.argv.slice(2);
if (chosen.includes("--help") || chosen.includes("-h")) {
  console.log(usage(Object.keys(SUITES)));
  process.exit(0);
}
const unknown = chosen.filter((name) => !Object.hasOwn(SUITES, name));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(", ")}\n\n${usage(Object.keys(SUITES))}`);
  process.exit(2);
}
await mkdir(RESULTS_DIR, { recursive: true });
for (const name of chosen.length > 0 ? chosen : Object.keys(SUITES)) {
  const suite = SUITES[name] as () => Promise<string>;
  console.error(`bench: ${name}…`);
  const header = stamp(name);
  const section = await suite().catch((error: unknown) => {
    if (!(error instanceof MissingDatasetError)) throw error;
    console.error(`bench: ${name}: ${error.message}`);
    process.exit(1);
  });
  await writeFile(new URL(`${name}.md`, RESULTS_DIR), `${section}\n\n${header}\n`);
  console.log(section);
}

const present = new Set(await readdir(RESULTS_DIR));
const sections = await Promise.all(
  Object.keys(SUITES)
    .filter((name) => present.has(`${name}.md`))
    .map((name) => readFile(new URL(`${name}.md`, RESULTS_DIR), "utf8")),
);
const intro = [
  "# Benchmark results",
  "One run per suite on a shared 2-core machine: compare ratios within a table (same run), not absolute figures across tables. Each section names the command that produced it.",
];
await writeFile(
  new URL("./RESULTS.md", import.meta.url),
  `${[...intro, ...sections].join("\n\n")}\n`,
);
