import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects: fast unit tests in plain Node, and a few integration tests inside workerd
// (the real runtime, with miniflare's local KV / Durable Objects / R2 and the real backbones).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Small job steps, so that even the tests' small trainings take many steps (and
            // checkpoints) and can be killed between them.
            miniflare: { bindings: { JOB_STEP_FLOPS: "2000000" } },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
