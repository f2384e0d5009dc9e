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
        // The README's walkthrough against a real `wrangler dev` (bench/wrangler-dev.ts). It
        // runs after the other projects: wrangler rebuilds and restarts the worker when files it
        // watches change, and a restart answers an in-flight POST with 503.
        test: {
          name: "examples",
          include: ["test/examples/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 1 },
          testTimeout: 600_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The web console in a real headless Chromium against `wrangler dev` (test/browser/chromium.ts
        // says where the browser comes from). After the examples, so that the two wrangler devs do
        // not share the CPU.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 240_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Small job steps, so that even the tests' small trainings take many steps (and
            // checkpoints) and can be killed between them.
            // No warm-up: each test file's first request would load MobileNetV2 (.dev.vars).
            miniflare: { bindings: { JOB_STEP_FLOPS: "2000000", WARM_BACKBONES: "" } },
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
