/** `npx tsx bench/cold/cli.ts [--starts 3] [--port 8799]` prints the cold-start section. */

import { parseArgs } from "node:util";
import { benchCold } from "./index";

const { values } = parseArgs({ options: { starts: { type: "string" }, port: { type: "string" } } });
console.log(
  await benchCold({
    starts: values.starts === undefined ? undefined : Number(values.starts),
    port: values.port === undefined ? undefined : Number(values.port),
  }),
);
