/**
 * `npm run bench [suite…]`: runs the benchmark suites one after the other and writes their figures,
 * with the command and the machine, to bench/RESULTS.md. Suites: backbones, heads, onnx, selection.
 * The heads and selection suites read embeddings cached by `tsx bench/datasets/prepare.ts`.
 */

import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { benchBackbones } from "./backbones";
import { benchHeadsSuite } from "./heads";
import { benchOnnx } from "./onnx";
import { benchSelection } from "./selection";

const SUITES: Record<string, () => Promise<string>> = {
  backbones: benchBackbones,
  heads: () => benchHeadsSuite(),
  onnx: () => benchOnnx(),
  selection: () => benchSelection(),
};

const chosen = process.argv.slice(2);
const names = chosen.length > 0 ? chosen : Object.keys(SUITES);
const sections: string[] = [];
for (const name of names) {
  const suite = SUITES[name];
  if (!suite) throw new Error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(", ")}`);
  console.error(`bench: ${name}…`);
  sections.push(await suite());
}

const header = [
  "# Benchmark results",
  "",
  `Produced by \`npm run bench${chosen.length > 0 ? ` -- ${chosen.join(" ")}` : ""}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}. One run; the machine is shared and noisy, so compare the ratios within a table rather than figures across tables.`,
];
await writeFile(
  new URL("./RESULTS.md", import.meta.url),
  `${[...header, ...sections].join("\n\n")}\n`,
);
console.log([...header, ...sections].join("\n\n"));
