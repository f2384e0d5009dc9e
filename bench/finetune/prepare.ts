/**
 * Fills the finetune bench's cache ahead of a run (resumable):
 * `tsx bench/finetune/prepare.ts [perClass=256] [test=10000] [backbone=mobilenet-v2-100]`.
 * Training images first, then the test images in file order, so an interrupted run leaves a usable prefix.
 */

import { cutNetwork } from "./cut-network";
import { finetuneInputs } from "./inputs";

const [perClass = "256", test = "10000", backbone = "mobilenet-v2-100"] = process.argv.slice(2);
await finetuneInputs(await cutNetwork(backbone), Number(perClass), Number(test));
