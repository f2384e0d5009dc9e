/**
 * The worker entries one can deploy (src/runtime/deployments, models/DEPLOYMENT.md) and the plan
 * each needs: Cloudflare limits a Worker script to 3 MiB gzip on the free plan, 10 MiB on paid ones.
 */

export type Plan = "free" | "paid";

export const PLAN_LIMIT_BYTES: Record<Plan, number> = { free: 3 * 2 ** 20, paid: 10 * 2 ** 20 };

export interface DeploymentEntry {
  readonly name: string;
  readonly entry: string;
  readonly plan: Plan;
  readonly carries: string;
}

export const DEPLOYMENTS: readonly DeploymentEntry[] = [
  {
    name: "images",
    entry: "src/runtime/deployments/tfjs-images.ts",
    plan: "free",
    carries: "mobilenet-v2 + mobilenet-v2-100 on tfjs",
  },
  {
    name: "mobilenet-v2",
    entry: "src/runtime/deployments/tfjs-mobilenet-v2.ts",
    plan: "free",
    carries: "mobilenet-v2 on tfjs",
  },
  {
    name: "text",
    entry: "src/runtime/deployments/tfjs-use-lite.ts",
    plan: "free",
    carries: "use-lite + lexical on tfjs",
  },
  {
    name: "onnx",
    entry: "src/runtime/deployments/ort-mobilenet-v2.ts",
    plan: "paid",
    carries: "mobilenet-v2-onnx on onnxruntime-web",
  },
  {
    name: "everything",
    entry: "src/index.ts",
    plan: "paid",
    carries: "every backbone, both runtimes (npm start)",
  },
];

export function deploymentNamed(name: string): DeploymentEntry | undefined {
  return DEPLOYMENTS.find((deployment) => deployment.name === name);
}
