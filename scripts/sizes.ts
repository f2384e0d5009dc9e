/**
 * `npm run sizes`: bundles every deployment with `wrangler deploy --dry-run`, prints its size and
 * fails if one is over its plan's limit (./deployments.ts); then builds the web console and fails
 * if its main bundle is over 100 kB gzip. CI runs it.
 */

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BUNDLE_GZIP_LIMIT, buildConsole } from "../src/console/build";
import { DEPLOYMENTS, type DeploymentEntry, PLAN_LIMIT_BYTES } from "./deployments";

const exec = promisify(execFile);
const KIB = 1024;
const MIB = 2 ** 20;

interface Measured {
  deployment: DeploymentEntry;
  totalBytes: number;
  gzipBytes: number;
}

async function measure(deployment: DeploymentEntry): Promise<Measured> {
  const outdir = await mkdtemp(join(tmpdir(), `edge-adapt-${deployment.name}-`));
  try {
    const { stdout } = await exec(
      "node_modules/.bin/wrangler",
      ["deploy", "--dry-run", "--outdir", outdir, deployment.entry],
      { env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    // wrangler prints "Total Upload: 3479.89 KiB / gzip: 687.58 KiB".
    const sizes = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
    if (!sizes) throw new Error(`no size in wrangler's output for ${deployment.entry}:\n${stdout}`);
    return {
      deployment,
      totalBytes: Number(sizes[1]) * KIB,
      gzipBytes: Number(sizes[2]) * KIB,
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const rows = await Promise.all(DEPLOYMENTS.map(measure));

console.log(
  "deployment    entry                                         upload    gzip  plan limit",
);
let over = 0;
for (const { deployment, totalBytes, gzipBytes } of rows) {
  const limit = PLAN_LIMIT_BYTES[deployment.plan];
  const fits = gzipBytes <= limit;
  if (!fits) over++;
  console.log(
    [
      deployment.name.padEnd(13),
      deployment.entry.padEnd(45),
      `${(totalBytes / MIB).toFixed(2)} MiB`.padStart(9),
      `${(gzipBytes / MIB).toFixed(2)} MiB`.padStart(9),
      ` ${deployment.plan} ≤ ${limit / MIB} MiB`,
      fits ? "" : "  OVER",
    ].join(" "),
  );
}

const bundle = await buildConsole();
const consoleFits = bundle.gzipBytes <= BUNDLE_GZIP_LIMIT;
console.log(
  `console app.js: ${(bundle.bytes / KIB).toFixed(1)} KiB, gzip ${(bundle.gzipBytes / KIB).toFixed(1)} KiB` +
    ` (limit ${BUNDLE_GZIP_LIMIT / 1000} kB gzip)${consoleFits ? "" : "  OVER"}`,
);
if (over > 0) console.error(`${over} deployment(s) over their plan's script size limit`);
if (!consoleFits) console.error("the console's main bundle is over its gzip budget");
if (over > 0 || !consoleFits) process.exit(1);
