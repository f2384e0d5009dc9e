/**
 * `npm run deploy -- <deployment>`: deploys one worker entry (./deployments.ts) to your Cloudflare
 * account (`npx wrangler login` first, or CLOUDFLARE_API_TOKEN). wrangler creates the KV namespace
 * and the R2 bucket on the first deploy and reuses them after. The admin token is uploaded as a
 * secret with the deploy: ADMIN_TOKEN from the environment if set; otherwise, on the first deploy
 * only, a new random one, printed once.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConsole } from "../src/console/build";
import { DEPLOYMENTS, deploymentNamed } from "./deployments";

const WRANGLER = "node_modules/.bin/wrangler";

const name = process.argv[2];
const deployment = name === undefined ? undefined : deploymentNamed(name);
if (!deployment) {
  console.error("usage: npm run deploy -- <deployment>\n");
  for (const { name, plan, carries } of DEPLOYMENTS) {
    console.error(`  ${name.padEnd(13)} ${plan.padEnd(5)} ${carries}`);
  }
  process.exit(2);
}

/** The admin token to upload, or undefined when the deployed worker already has one. */
function adminToken(): { token: string; generated: boolean } | undefined {
  if (process.env.ADMIN_TOKEN) return { token: process.env.ADMIN_TOKEN, generated: false };
  const listed = spawnSync(WRANGLER, ["secret", "list", "--format", "json"], { encoding: "utf8" });
  // Fails when the worker does not exist yet: a first deploy.
  const names =
    listed.status === 0 ? (JSON.parse(listed.stdout) as { name: string }[]).map((s) => s.name) : [];
  if (names.includes("ADMIN_TOKEN")) return undefined;
  return { token: randomBytes(32).toString("base64url"), generated: true };
}

// The web console's files are static assets, uploaded with the worker: built from the source now.
await buildConsole();
const admin = adminToken();
const secrets = mkdtempSync(join(tmpdir(), "edge-adapt-secrets-"));
try {
  const args = ["deploy", deployment.entry];
  if (admin) {
    const file = join(secrets, "secrets.json");
    writeFileSync(file, JSON.stringify({ ADMIN_TOKEN: admin.token }), { mode: 0o600 });
    args.push("--secrets-file", file);
  }
  execFileSync(WRANGLER, args, { stdio: "inherit" });
} finally {
  rmSync(secrets, { recursive: true, force: true });
}
if (admin?.generated) {
  console.log(`\nADMIN_TOKEN (shown once, keep it): ${admin.token}`);
}
