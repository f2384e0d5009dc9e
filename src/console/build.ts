/**
 * Builds the web console into `models/assets/console/`, which the worker serves through its ASSETS
 * binding under `/console/` (src/routes/console.ts): the app bundle (esbuild, Preact), its page and
 * style, and the OpenAPI viewer for /docs copied from the swagger-ui-dist package. Run by
 * `npm install` (postinstall), `npm start`, `npm test`, `npm run deploy` and `npm run sizes`, and
 * by the browser tests before they start `wrangler dev`.
 * Prints the bundle's size, raw and gzip: `npm run console`.
 */

import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCE = join(ROOT, "src/console");
export const CONSOLE_OUT = join(ROOT, "models/assets/console");
const SWAGGER = join(ROOT, "node_modules/swagger-ui-dist");

/** The main bundle may not exceed 100 kB, gzipped (issue 13). */
export const BUNDLE_GZIP_LIMIT = 100_000;

const STATIC_FILES: [from: string, to: string][] = [
  [join(SOURCE, "index.html"), "index.html"],
  [join(SOURCE, "docs.html"), "docs.html"],
  [join(SOURCE, "docs-init.js"), "docs-init.js"],
  [join(SWAGGER, "swagger-ui-bundle.js"), "swagger-ui-bundle.js"],
  [join(SWAGGER, "swagger-ui.css"), "swagger-ui.css"],
];

export async function buildConsole(): Promise<{ bytes: number; gzipBytes: number }> {
  // Built aside, then each file renamed into place: a running `wrangler dev` never serves half a
  // file.
  const staging = await mkdtemp(join(ROOT, "models/.console-build-"));
  try {
    await build({
      entryPoints: { app: join(SOURCE, "app/main.tsx"), style: join(SOURCE, "style.css") },
      outdir: staging,
      bundle: true,
      minify: true,
      format: "esm",
      target: "es2022",
      jsx: "automatic",
      jsxImportSource: "preact",
      legalComments: "none",
      logLevel: "warning",
    });
    for (const [from, to] of STATIC_FILES) await copyFile(from, join(staging, to));
    await mkdir(CONSOLE_OUT, { recursive: true });
    for (const name of await readdir(staging)) {
      await rename(join(staging, name), join(CONSOLE_OUT, name));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const bundle = await readFile(join(CONSOLE_OUT, "app.js"));
  return { bytes: bundle.byteLength, gzipBytes: gzipSync(bundle, { level: 9 }).byteLength };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, gzipBytes } = await buildConsole();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`console bundle app.js: ${kib(bytes)}, gzip ${kib(gzipBytes)}`);
  if (gzipBytes > BUNDLE_GZIP_LIMIT) {
    console.error(`over the ${BUNDLE_GZIP_LIMIT / 1000} kB gzip budget`);
    process.exit(1);
  }
}
