/**
 * The local server `npm start` runs: wrangler's dev server for wrangler.toml (its `startWorker` API,
 * what `wrangler dev` runs, with .dev.vars and local KV / Durable Objects / R2), with the devtools
 * inspector off.
 *
 * Why not `wrangler dev` itself: with the inspector on, wrangler 4.86.0 enables the worker's network
 * domain and posts every devtools event to its Node process as a request of its own. A backbone's
 * weights arrive in 4 KiB chunks, so loading use-lite is about 7,000 such requests; while they drain,
 * the proxy's hop to the worker fails with "Network connection lost" and a POST sent then is answered
 * 503 "Your worker restarted mid-request" (README, "`npm start` answers 503"). `wrangler dev` has no flag to
 * turn the inspector off.
 *
 *   tsx scripts/dev-server.ts [--port 8787] [--persist-to .wrangler/state] [--var NAME:value]…
 *                             [--log-level info] [--no-watch] [--entry src/other-entry.ts]
 */

import { parseArgs } from "node:util";
import { unstable_startWorker } from "wrangler";

const { values } = parseArgs({
  options: {
    entry: { type: "string" },
    port: { type: "string", default: "8787" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    var: { type: "string", multiple: true, default: [] },
    "log-level": { type: "string", default: "info" },
    "no-watch": { type: "boolean", default: false },
  },
});

// wrangler's CLI reads .env (it turns off the Request.cf download, which offline prints a stack trace).
process.loadEnvFile(".env");

const worker = await unstable_startWorker({
  config: "wrangler.toml",
  ...(values.entry && { entrypoint: values.entry }),
  bindings: Object.fromEntries(values.var.map(plainTextVar)),
  dev: {
    remote: false,
    inspector: false,
    server: { port: Number(values.port) },
    persist: values["persist-to"],
    logLevel: logLevel(values["log-level"]),
    watch: !values["no-watch"],
  },
});
await worker.ready;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void worker.dispose().finally(() => process.exit(0));
  });
}

/** `NAME:value`, as `wrangler dev --var` takes it. */
function plainTextVar(setting: string): [string, { type: "plain_text"; value: string }] {
  const colon = setting.indexOf(":");
  if (colon < 1) throw new Error(`--var ${setting}: expected NAME:value`);
  return [setting.slice(0, colon), { type: "plain_text", value: setting.slice(colon + 1) }];
}

function logLevel(level: string) {
  const levels = ["none", "error", "warn", "info", "log", "debug"] as const;
  const known = levels.find((l) => l === level);
  if (!known) throw new Error(`--log-level ${level}: expected one of ${levels.join(", ")}`);
  return known;
}
