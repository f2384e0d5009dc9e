/**
 * The bodies that start work or create something refuse a field they do not have, naming it, so a
 * misspelt option is not dropped without a word: `{"headtype": "mlp"}` trained the adapter's own
 * logistic head, `{"sweep": {"cgrid": […]}}` the default grid (the README says another grid is
 * refused, not ignored), `{"fold": 3}` selected on 5 folds, `PATCH /v1/tenant {"name": …}` answered 200.
 */

import type { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { NewAdapterSchema } from "../../../src/routes/adapters";
import { NewTenantSchema } from "../../../src/routes/admin";
import { EmbedJsonSchema } from "../../../src/routes/embed";
import { PredictJsonSchema } from "../../../src/routes/predict";
import { FormSamplesSchema, JsonSamplesSchema } from "../../../src/routes/sample-inputs";
import { ApplyRequestSchema, SelectionRequestSchema } from "../../../src/routes/selection-schemas";
import { TenantSettingsSchema } from "../../../src/routes/tenant";
import { TrainRequestSchema } from "../../../src/routes/train-request";

const SCHEMAS: Record<string, z.ZodType> = {
  train: TrainRequestSchema,
  select: SelectionRequestSchema,
  "select/apply": ApplyRequestSchema,
  adapters: NewAdapterSchema,
  tenants: NewTenantSchema,
  "PATCH tenant": TenantSettingsSchema,
  predict: PredictJsonSchema,
  samples: JsonSamplesSchema,
  "samples form": FormSamplesSchema,
  embed: EmbedJsonSchema,
};

function issues(route: string, body: unknown): string[] {
  const parsed = SCHEMAS[route]?.safeParse(body);
  if (!parsed) throw new Error(`no schema for ${route}`);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("request bodies with a field they do not have", () => {
  it.each([
    ["train", { headtype: "mlp" }, ': Unrecognized key: "headtype"'],
    ["train", { sweep: { cgrid: [0.5] } }, 'sweep: Unrecognized key: "cgrid"'],
    [
      "train",
      { fractions: { train: 0.6, validation: 0.2, test: 0.2, holdout: 0.1 } },
      'fractions: Unrecognized key: "holdout"',
    ],
    ["select", { fold: 3 }, ': Unrecognized key: "fold"'],
    ["select/apply", { backbone: "use-lite", layers: "x" }, ': Unrecognized key: "layers"'],
    [
      "adapters",
      { name: "a", backbone: "lexical", headtype: "mlp" },
      ': Unrecognized key: "headtype"',
    ],
    ["tenants", { name: "a", retainRawSample: false }, ': Unrecognized key: "retainRawSample"'],
    // A tenant is not renamed here: the name was dropped and the answer 200.
    ["PATCH tenant", { retainRawSamples: true, name: "b" }, ': Unrecognized key: "name"'],
    // topK is a query parameter: in the body it was dropped and the default 3 answered.
    ["predict", { inputs: ["a goal"], topK: 5 }, ': Unrecognized key: "topK"'],
    ["samples", { samples: [], label: "x" }, ': Unrecognized key: "label"'],
    [
      "samples",
      { samples: [{ input: "a", label: "x", weight: 3 }] },
      'samples.0: Unrecognized key: "weight"',
    ],
    [
      "embed",
      { backbone: "lexical", inputs: ["a"], normalize: false },
      ': Unrecognized key: "normalize"',
    ],
  ])("%s refuses %j", (route, body, expected) => {
    expect(issues(route, body)).toEqual([expected]);
  });

  it.each([
    ["train", { headType: "mlp", sweep: { weightDecayGrid: [0.001] }, activate: true }],
    ["select", { folds: 3, backbones: ["lexical"], includeFinetune: false }],
    ["select/apply", { backbone: "use-lite", layer: "sentence", seed: 1 }],
    ["adapters", { name: "a", backbone: "lexical", headType: "prototype" }],
    ["tenants", { name: "a" }],
    ["PATCH tenant", { retainRawSamples: false }],
  ])("%s takes its own fields %j", (route, body) => {
    expect(issues(route, body)).toEqual([]);
  });
});
