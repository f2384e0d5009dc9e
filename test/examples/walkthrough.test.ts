/**
 * The README's walkthrough (examples/walkthrough.sh) runs as written against `wrangler dev`: the
 * script checks every status itself and exits non-zero on the first unexpected one.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev";

const run = promisify(execFile);
let server: WranglerDev;

beforeAll(async () => {
  // The walkthrough needs jq; a machine without it must fail here, not skip.
  await run("jq", ["--version"]).catch(() => {
    throw new Error("jq is not installed: the walkthrough needs it (apt-get install jq)");
  });
  server = await startWranglerDev();
});

afterAll(async () => {
  await server?.stop();
});

it("examples/walkthrough.sh succeeds from tenant to rollback, selection, switch and images", async () => {
  const result = await run("bash", ["examples/walkthrough.sh"], {
    env: { ...process.env, BASE: server.base, ADMIN_TOKEN: "dev-admin-token" },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
    throw new Error(
      `walkthrough exited with ${error.code}\n${error.stdout}\n${error.stderr}\n--- wrangler dev ---\n${server.log().slice(-4000)}`,
    );
  });
  expect(result.stdout).toContain("✓ walkthrough finished");
  expect(result.stdout).toMatch(/predictions now come from version 1/);
});
