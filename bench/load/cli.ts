/**
 * `npx tsx bench/load/cli.ts [--seconds 60] [--concurrency 4,16,64] [--port 8798]` prints the load
 * benchmark's markdown section without touching bench/results (BENCH_LOAD_SECONDS and
 * BENCH_LOAD_CONCURRENCY work here too).
 */

import { parseArgs } from "node:util";
import { benchLoad, loadOptionsFromEnv } from "./index";

const { values } = parseArgs({
  options: {
    seconds: { type: "string" },
    concurrency: { type: "string" },
    port: { type: "string" },
  },
});
console.log(
  await benchLoad({
    ...loadOptionsFromEnv({
      BENCH_LOAD_SECONDS: values.seconds ?? process.env.BENCH_LOAD_SECONDS,
      BENCH_LOAD_CONCURRENCY: values.concurrency ?? process.env.BENCH_LOAD_CONCURRENCY,
    }),
    ...(values.port ? { port: Number(values.port) } : {}),
  }),
);
