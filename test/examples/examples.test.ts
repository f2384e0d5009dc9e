/**
 * The examples run as written against `wrangler dev` (as `npm start` runs it, on a free port with
 * fresh local state): the README's walkthrough (examples/walkthrough.sh), which checks every
 * status itself and exits non-zero on the first unexpected one, then the typed client's example.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { freePort, logTail, withWranglerDev } from "../../bench/wrangler-dev";

const exec = promisify(execFile);

it("examples/walkthrough.sh and examples/client.ts succeed against wrangler dev", async () => {
  // The walkthrough needs jq: a machine without it must fail here, not skip.
  await exec("jq", ["--version"]).catch(() => {
    throw new Error("jq is not installed: the walkthrough needs it (apt-get install jq)");
  });
  const [walkthrough, client] = await withWranglerDev(
    { port: await freePort() },
    async ({ url, log }) => {
      const env = { ...process.env, BASE: url, ADMIN_TOKEN: "dev-admin-token" };
      // A failure shows what the server said around it (a restart, a crash).
      const withServerLog = async (error: Error) => {
        throw new Error(
          `${error.message}\nwrangler dev's log (${log}), last lines:\n${await logTail(log)}`,
        );
      };
      return [
        await run("bash", ["examples/walkthrough.sh"], env).catch(withServerLog),
        await run("node_modules/.bin/tsx", ["examples/client.ts"], env).catch(withServerLog),
      ];
    },
  );
  expect(walkthrough).toContain("predictions now come from version 1");
  expect(walkthrough).toContain("✓ walkthrough finished");
  expect(client).toContain("refused as expected: 422 /problems/too-few-samples");
  expect(client).toContain("✓ client example finished");
});

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await exec(command, args, { env })).stdout;
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`${args[0]} exited with ${code}\n${stdout}\n${stderr}`);
  }
}
