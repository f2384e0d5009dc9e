/**
 * Selection benchmark tasks: labelled inputs split, per class, into a few-shot pool (what a tenant
 * would upload, and all that selection sees) and a disjoint held-out test set.
 */

import { SeededRandom } from "../../adapters/random";
import type { BackboneInput } from "../../models";
import { fashionMnist } from "../datasets/fashion-mnist";
import { type SpamGroup, spamAssassin } from "../datasets/spam-assassin";

export interface SelectionTask {
  name: string;
  modality: "text" | "image";
  train: { inputs: BackboneInput[]; labels: string[] };
  test: { inputs: BackboneInput[]; labels: string[] };
}

interface Pool {
  inputs: BackboneInput[];
  labels: string[];
}

function split(
  name: string,
  modality: SelectionTask["modality"],
  pool: Pool,
  shots: number,
  testPerClass: number,
  seed: number,
): SelectionTask {
  const random = new SeededRandom(seed);
  const byLabel = new Map<string, number[]>();
  pool.labels.forEach((label, i) => {
    byLabel.set(label, [...(byLabel.get(label) ?? []), i]);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const members of byLabel.values()) {
    random.shuffle(members);
    train.push(...members.slice(0, shots));
    test.push(...members.slice(shots, shots + testPerClass));
  }
  const pick = (indices: number[]) => ({
    inputs: indices.map((i) => pool.inputs[i] as BackboneInput),
    labels: indices.map((i) => pool.labels[i] as string),
  });
  return { name, modality, train: pick(train), test: pick(test) };
}

/** SpamAssassin with groups merged into task labels; groups not in the map are left out. */
function spamPool(labelOf: Partial<Record<SpamGroup, string>>): Pool {
  const { texts, groups } = spamAssassin();
  const pool: Pool = { inputs: [], labels: [] };
  groups.forEach((group, i) => {
    const label = labelOf[group];
    if (label) {
      pool.inputs.push({ kind: "text", text: texts[i] as string });
      pool.labels.push(label);
    }
  });
  return pool;
}

export interface TaskScale {
  textShots: number[];
  textTestPerClass: number;
  imageShots: number[];
  imageTestPerClass: number;
}

export async function selectionTasks(scale: TaskScale): Promise<SelectionTask[]> {
  const spamVsHam = spamPool({
    "spam-1": "spam",
    "spam-2": "spam",
    "easy-ham-1": "ham",
    "easy-ham-2": "ham",
    "hard-ham-1": "ham",
  });
  const easyVsHard = spamPool({ "easy-ham-1": "easy", "easy-ham-2": "easy", "hard-ham-1": "hard" });
  const spamVsHard = spamPool({ "spam-1": "spam", "spam-2": "spam", "hard-ham-1": "hard-ham" });
  const tasks: SelectionTask[] = [];
  for (const shots of scale.textShots) {
    tasks.push(
      split(`spam vs ham, ${shots}-shot`, "text", spamVsHam, shots, scale.textTestPerClass, shots),
    );
    tasks.push(
      split(
        `easy vs hard ham, ${shots}-shot`,
        "text",
        easyVsHard,
        shots,
        scale.textTestPerClass,
        shots,
      ),
    );
    tasks.push(
      split(
        `spam vs hard ham, ${shots}-shot`,
        "text",
        spamVsHard,
        shots,
        scale.textTestPerClass,
        shots,
      ),
    );
  }
  if (scale.imageShots.length > 0) {
    const fashion = await fashionMnist("train", 6000);
    const images = fashion.images.map((image): BackboneInput => ({ kind: "image", image }));
    const subset = (keep: string[]): Pool => {
      const pool: Pool = { inputs: [], labels: [] };
      fashion.labels.forEach((label, i) => {
        if (keep.includes(label)) {
          pool.inputs.push(images[i] as BackboneInput);
          pool.labels.push(label);
        }
      });
      return pool;
    };
    const shirtVsTop = subset(["shirt", "t-shirt"]);
    const footwear = subset(["sandal", "sneaker", "ankle-boot"]);
    for (const shots of scale.imageShots) {
      tasks.push(
        split(
          `Fashion-MNIST shirt vs T-shirt/top, ${shots}-shot`,
          "image",
          shirtVsTop,
          shots,
          scale.imageTestPerClass,
          shots,
        ),
      );
      tasks.push(
        split(
          `Fashion-MNIST footwear (3 classes), ${shots}-shot`,
          "image",
          footwear,
          shots,
          scale.imageTestPerClass,
          shots,
        ),
      );
    }
  }
  return tasks;
}
