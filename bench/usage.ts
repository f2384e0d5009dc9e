/** `npm run bench -- --help`: the suites, what each measures, and the data each needs first. */

import { INSTALL_FASHION_MNIST, PREPARE_EMBEDDINGS } from "./datasets/missing";

const ABOUT: Record<string, string> = {
  backbones: "embedding latency and wasm heap per backbone, workerd vs Node. Needs: nothing.",
  cold: "the first image embedding on a fresh `wrangler dev`, without and with the warm-up, and where its time goes. Needs: nothing (starts its own wrangler dev, 6 times).",
  export:
    "the head export's ONNX classifier (MobileNetV2 + each head type): size, build time and memory, onnxruntime-node latency. Needs: nothing.",
  finetune: `Fashion-MNIST, frozen logistic vs the finetuned top (issue 12), with its costs. Needs: ${INSTALL_FASHION_MNIST}; \`tsx bench/finetune/prepare.ts [perClass] [test]\` caches its inputs ahead (resumable); FINETUNE_SHOTS, FINETUNE_TEST, FINETUNE_LR, FINETUNE_L2SP, FINETUNE_EPOCHS, FINETUNE_BATCH size it.`,
  fusion:
    "SpamAssassin through the public API: adapters on lexical+use-lite and on use-lite trained on the same 200 uploads, held-out accuracy and macro-F1 via /predict, next to the in-process figures. Needs: nothing (starts its own wrangler dev); FUSION_TRAIN_PER_CLASS, FUSION_TEST_PER_CLASS size it.",
  heads: `our heads vs scikit-learn on cached embeddings. Needs: ${INSTALL_FASHION_MNIST}, then ${PREPARE_EMBEDDINGS}; python3-sklearn for the baseline.`,
  load: "60 s of mixed load (predict text and image, upload, embed) at 4, 16 and 64 clients against wrangler dev, without and during a long training. Needs: nothing (starts its own wrangler dev); BENCH_LOAD_SECONDS shortens it.",
  memory:
    "the isolate's peak on the worst /v1/embed requests within the limits, Node and workerd, against 128 MB. Needs: nothing.",
  onnx: "MobileNetV2 on tfjs-wasm, onnxruntime-web and onnxruntime-node. Needs: nothing.",
  selection: `does backbone selection pick the best backbone on Fashion-MNIST and SpamAssassin tasks? Needs: ${INSTALL_FASHION_MNIST}.`,
  tenants:
    "the API under `wrangler dev`: predict ÷ embed and tenant switching across 10,000 tenants (20 real, the rest seeded in KV), train-to-servable. Needs: nothing (starts its own wrangler dev).",
};

export function usage(suites: readonly string[]): string {
  return [
    "usage: npm run bench [-- suite…]   (no suite: all of them, one after the other)",
    "Writes bench/results/<suite>.md and rebuilds bench/RESULTS.md. Run on an idle machine.",
    "",
    "suites:",
    ...suites.map((suite) => `  ${suite.padEnd(10)} ${ABOUT[suite] ?? ""}`.trimEnd()),
  ].join("\n");
}
