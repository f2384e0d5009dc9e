/**
 * `npx tsx bench/tenants/cli.ts [--tenants 10000] [--real-tenants 20] [--budget-s 120] [--in-flight 4] [--rounds 7] [--runs-per-round 100] [--switch-turns 2000] [--port 8797]`
 * prints the tenant benchmark's markdown section.
 */

import { parseArgs } from "node:util";
import { benchTenants } from "./index";

const { values } = parseArgs({
  options: {
    tenants: { type: "string" },
    "real-tenants": { type: "string" },
    "budget-s": { type: "string" },
    "in-flight": { type: "string" },
    rounds: { type: "string" },
    "runs-per-round": { type: "string" },
    "switch-turns": { type: "string" },
    port: { type: "string" },
  },
});
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const budgetS = number(values["budget-s"]);
console.log(
  await benchTenants({
    tenants: number(values.tenants),
    maxRealTenants: number(values["real-tenants"]),
    setupBudgetMs: budgetS === undefined ? undefined : budgetS * 1000,
    inFlight: number(values["in-flight"]),
    rounds: number(values.rounds),
    runsPerRound: number(values["runs-per-round"]),
    switchTurns: number(values["switch-turns"]),
    port: number(values.port),
  }),
);
