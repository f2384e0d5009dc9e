/**
 * Selection benchmark tasks: labelled inputs as a tenant uploads them (texts, PNG files), split per
 * class into a few-shot pool (all that selection sees) and a disjoint held-out test set.
 */

import { encode } from "fast-png";
import { SeededRandom } from "../../adapters/random";
import type { RgbImage } from "../../models";
import type { RawInput } from "../../src/runtime/backbone-inputs";
import { fashionMnist } from "../datasets/fashion-mnist";
import { type SpamGroup, spamAssassin } from "../datasets/spam-assassin";
import {
  afinnSentiment,
  firstNames,
  type GroupedText,
  stateOfTheUnion,
} from "../datasets/stdlib-texts";

export interface SelectionTask {
  name: string;
  modality: "text" | "image";
  train: { inputs: RawInput[]; labels: string[] };
  test: { inputs: RawInput[]; labels: string[] };
}

interface Pool {
  inputs: RawInput[];
  labels: string[];
  /**
   * Per input, its group (one speech's passages): the few-shot pool is drawn from even groups and
   * the test set from odd ones, so no group is on both sides. Without groups, any input may be on
   * either side.
   */
  groups?: number[];
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
  const { groups } = pool;
  const train: number[] = [];
  const test: number[] = [];
  for (const members of byLabel.values()) {
    random.shuffle(members);
    if (groups) {
      const parity = (i: number) => (groups[i] as number) % 2;
      train.push(...members.filter((i) => parity(i) === 0).slice(0, shots));
      test.push(...members.filter((i) => parity(i) === 1).slice(0, testPerClass));
    } else {
      train.push(...members.slice(0, shots));
      test.push(...members.slice(shots, shots + testPerClass));
    }
  }
  const pick = (indices: number[]) => ({
    inputs: indices.map((i) => pool.inputs[i] as RawInput),
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

/**
 * Fashion-MNIST pools by class subset, from the first `limit` images of a split. Uploaded as PNG
 * files, decoded by selection like any upload.
 */
async function fashionSubsets(
  split: "train" | "test",
  limit: number,
): Promise<(keep: string[]) => Pool> {
  const fashion = await fashionMnist(split, limit);
  const images = fashion.images.map((image): RawInput => ({ kind: "image", bytes: png(image) }));
  return (keep) => {
    const pool: Pool = { inputs: [], labels: [] };
    fashion.labels.forEach((label, i) => {
      if (keep.includes(label)) {
        pool.inputs.push(images[i] as RawInput);
        pool.labels.push(label);
      }
    });
    return pool;
  };
}

/** An 8-bit RGB image as a PNG file. */
function png({ width, height, data }: RgbImage): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new Error("selection bench: expected 8-bit pixels");
  return encode({ width, height, data, channels: 3 });
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
    const subset = await fashionSubsets("train", 6000);
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

/**
 * Development tasks, to check a ranking rule on before the benchmark: disjoint from the benchmark's
 * tasks in class grouping, shots and seed, and for images in the samples too (Fashion-MNIST's test
 * split, where the benchmark draws from the training split). Small, so they run in minutes.
 */
export async function developmentTasks(): Promise<SelectionTask[]> {
  const testPerClass = 100;
  const text = (name: string, labelOf: Partial<Record<SpamGroup, string>>, shots: number) =>
    split(`${name}, ${shots}-shot`, "text", spamPool(labelOf), shots, testPerClass, 1000 + shots);
  const subset = await fashionSubsets("test", 5000);
  const image = (name: string, keep: string[], shots: number) =>
    split(
      `Fashion-MNIST ${name}, ${shots}-shot`,
      "image",
      subset(keep),
      shots,
      testPerClass,
      1000 + shots,
    );
  return [
    text("spam vs easy ham 2", { "spam-1": "spam", "spam-2": "spam", "easy-ham-2": "ham" }, 16),
    text("spam 2 vs hard ham", { "spam-2": "spam", "hard-ham-1": "hard-ham" }, 48),
    text("easy ham 2 vs hard ham", { "easy-ham-2": "easy", "hard-ham-1": "hard" }, 24),
    text(
      "spam vs easy ham vs hard ham",
      { "spam-1": "spam", "spam-2": "spam", "easy-ham-1": "easy", "hard-ham-1": "hard" },
      12,
    ),
    image("pullover vs coat", ["pullover", "coat"], 8),
    image("pullover vs coat", ["pullover", "coat"], 24),
    image("trouser vs dress", ["trouser", "dress"], 8),
    image("footwear (3 classes)", ["sandal", "sneaker", "ankle-boot"], 16),
    image("pullover vs coat vs shirt", ["pullover", "coat", "shirt"], 12),
  ];
}

/**
 * Text tasks from other corpora than SpamAssassin (../datasets/stdlib-texts.ts): word sentiment,
 * first names, and State of the Union passages by era and by party. They check a choice about text
 * embeddings (a default layer, a ranking signal) beyond one corpus.
 */
export function otherTextTasks(): SelectionTask[] {
  const sets: [string, GroupedText[]][] = [
    ["AFINN word sentiment", afinnSentiment()],
    ["first names female vs male", firstNames()],
    [
      "State of the Union, 19th century vs post-war",
      stateOfTheUnion(({ year }) =>
        year < 1900 ? "19th century" : year >= 1946 ? "post-war" : undefined,
      ),
    ],
    [
      "State of the Union, Democratic vs Republican since 1933",
      stateOfTheUnion(({ year, party }) =>
        year >= 1933 && (party === "Democratic" || party === "Republican") ? party : undefined,
      ),
    ],
  ];
  return [8, 32].flatMap((shots) =>
    sets.map(([name, items]) => {
      const pool: Pool = {
        inputs: items.map((item): RawInput => ({ kind: "text", text: item.text })),
        labels: items.map((item) => item.label),
        groups: items.map((item) => item.group),
      };
      return split(`${name}, ${shots}-shot`, "text", pool, shots, 300, 7 + shots);
    }),
  );
}
