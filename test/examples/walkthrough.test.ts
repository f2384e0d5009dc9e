/**
 * The README's walkthrough (examples/walkthrough.sh) runs as written against `wrangler dev` (as
 * `npm start` runs it, on a free port with fresh local state): the script checks every status
 * itself and exits non-zero on the first unexpected one.
 */

import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { withWranglerDev } from "../../bench/wrangler-dev";

const run = promisify(execFile);

it("examples/walkthrough.sh succeeds from tenant to rollback, selection, switch and images", async () => {
  // The walkthrough needs jq: a machine without it must fail here, not skip.
  await run("jq", ["--version"]).catch(() => {
    throw new Error("jq is not installed: the walkthrough needs it (apt-get install jq)");
  });
  const { stdout } = await withWranglerDev({ port: await freePort() }, ({ url }) =>
    run("bash", ["examples/walkthrough.sh"], {
      env: { ...process.env, BASE: url, ADMIN_TOKEN: "dev-admin-token" },
    }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`walkthrough exited with ${error.code}\n${error.stdout}\n${error.stderr}`);
    }),
  );
  expect(stdout).toContain("predictions now come from version 1");
  expect(stdout).toContain("✓ walkthrough finished");
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(),
      );
    });
  });
}
