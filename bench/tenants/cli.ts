/**
 * `npx tsx bench/tenants/cli.ts [--tenants 1000] [--budget-s 300] [--in-flight 4] [--rounds 7] [--runs-per-round 100]`
 * prints the tenant benchmark's markdown section.
 */

import { parseArgs } from "node:util";
import { benchTenants } from "./index";

const { values } = parseArgs({
  options: {
    tenants: { type: "string" },
    "budget-s": { type: "string" },
    "in-flight": { type: "string" },
    rounds: { type: "string" },
    "runs-per-round": { type: "string" },
  },
});
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const budgetS = number(values["budget-s"]);
console.log(
  await benchTenants({
    maxTenants: number(values.tenants),
    setupBudgetMs: budgetS === undefined ? undefined : budgetS * 1000,
    inFlight: number(values["in-flight"]),
    rounds: number(values.rounds),
    runsPerRound: number(values["runs-per-round"]),
  }),
);
