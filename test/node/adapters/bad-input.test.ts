import { describe, expect, it } from "vitest";
import {
  type HeadInputErrorCode,
  type LabelledEmbedding,
  LIMITS,
  type TrainOptions,
  trainHead,
} from "../../../adapters";

const backbone = { id: "test-backbone", weightsHash: "abc", dim: 4 };

/** Three distinct samples for each label. */
function samplesFor(labels: string[], dim = 4): LabelledEmbedding[] {
  return labels.flatMap((label, k) =>
    [0, 1, 2].map((i) => ({
      label,
      features: Float32Array.from({ length: dim }, (_, j) => k + i * 0.1 + j * 0.01),
    })),
  );
}

function withFeatures(
  samples: LabelledEmbedding[],
  index: number,
  features: Float32Array,
): LabelledEmbedding[] {
  return samples.map((s, i) => (i === index ? { ...s, features } : s));
}

const valid = samplesFor(["a", "b"]);
const cases: {
  name: string;
  code: HeadInputErrorCode;
  names: RegExp;
  samples: LabelledEmbedding[];
  options?: TrainOptions;
}[] = [
  {
    name: "NaN feature",
    code: "non-finite-feature",
    names: /sample 2, feature 1 is NaN/,
    samples: withFeatures(valid, 2, Float32Array.of(0, Number.NaN, 0, 0)),
  },
  {
    name: "infinite feature",
    code: "non-finite-feature",
    names: /sample 4, feature 3 is Infinity/,
    samples: withFeatures(valid, 4, Float32Array.of(0, 0, 0, Number.POSITIVE_INFINITY)),
  },
  {
    name: "ragged rows",
    code: "ragged-rows",
    names: /sample 3 has 5 features but sample 0 has 4/,
    samples: withFeatures(valid, 3, new Float32Array(5)),
  },
  {
    name: "plain arrays",
    code: "ragged-rows",
    names: /sample 1: features must be a Float32Array/,
    samples: valid.map((s, i) =>
      i === 1 ? { ...s, features: [1, 2, 3, 4] as unknown as Float32Array } : s,
    ),
  },
  {
    name: "wrong dimension",
    code: "wrong-dimension",
    names: /samples have 3 features, backbone test-backbone gives 4/,
    samples: samplesFor(["a", "b"], 3),
  },
  {
    name: "a single class",
    code: "single-class",
    names: /all samples have the label "a"/,
    samples: samplesFor(["a"]),
  },
  {
    name: "too few samples",
    code: "too-few-samples",
    names: /"b" \(2\)/,
    samples: valid.slice(0, 5),
  },
  {
    name: "duplicates only",
    code: "too-few-samples",
    names: /"b" \(1\)/,
    samples: [...valid.slice(0, 4), valid[3], valid[3]].filter((s) => s !== undefined),
  },
  {
    name: "empty label",
    code: "empty-label",
    names: /sample 0 has an empty or missing label/,
    samples: [{ label: "  ", features: new Float32Array(4) }, ...valid],
  },
  {
    name: "too long label",
    code: "label-too-long",
    names: new RegExp(
      `has ${LIMITS.maxLabelLength + 1} characters, the limit is ${LIMITS.maxLabelLength}`,
    ),
    samples: [
      ...valid,
      { label: "x".repeat(LIMITS.maxLabelLength + 1), features: new Float32Array(4) },
    ],
  },
  {
    name: "the reserved label",
    code: "reserved-label",
    names: /"unknown" is what an abstaining head answers/,
    samples: samplesFor(["a", "unknown"]),
  },
  {
    name: "too many classes",
    code: "too-many-classes",
    names: new RegExp(`${LIMITS.maxClasses + 1} classes, the limit is ${LIMITS.maxClasses}`),
    samples: samplesFor(Array.from({ length: LIMITS.maxClasses + 1 }, (_, k) => `c${k}`)),
  },
  { name: "no samples", code: "no-samples", names: /no samples given/, samples: [] },
  {
    name: "bad fractions",
    code: "invalid-options",
    names: /fractions must be three numbers/,
    samples: valid,
    options: { fractions: { train: 0.5, validation: 0.5, test: 0 } },
  },
  {
    name: "bad target precision",
    code: "invalid-options",
    names: /targetPrecision must be in \(0, 1\)/,
    samples: valid,
    options: { targetPrecision: 1.5 },
  },
  {
    name: "a target precision of 1",
    code: "invalid-options",
    names: /no finite set of answers shows a precision of 1/,
    samples: valid,
    options: { targetPrecision: 1 },
  },
  {
    name: "bad C grid",
    code: "invalid-options",
    names: /sweep.cGrid\[1\] must be a number/,
    samples: valid,
    options: { sweep: { cGrid: [1, -1] } },
  },
  {
    name: "class weight for an unknown label",
    code: "invalid-options",
    names: /unknown label "z"/,
    samples: valid,
    options: { hyperparameters: { classWeight: { z: 2 } } },
  },
];

describe("bad input is refused with an error naming the problem", () => {
  it.each(cases)("$name -> $code", async ({ code, names, samples, options }) => {
    await expect(
      trainHead({ headType: "logistic", backbone, samples, options }),
    ).rejects.toMatchObject({
      name: "HeadInputError",
      code,
      message: expect.stringMatching(names),
    });
  });

  it("predict refuses rows of the wrong dimension or with NaN", async () => {
    const { head } = await trainHead({ headType: "prototype", backbone, samples: valid });
    expect(() => head.predict([new Float32Array(3)])).toThrowError(
      /wrong-dimension: row 0 has 3 features/,
    );
    expect(() =>
      head.predict([new Float32Array(4), Float32Array.of(0, 0, Number.NaN, 0)]),
    ).toThrowError(/non-finite-feature: row 1, feature 2/);
  });
});
