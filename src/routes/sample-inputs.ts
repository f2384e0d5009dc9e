/**
 * Reading labelled samples from a request: JSON `{samples: [{input, label}]}` (texts, or base64
 * images), or multipart `inputs` files with one `label` for all or one `labels` value per input.
 * The inputs themselves are read with the /v1/embed helpers.
 */

import { z } from "@hono/zod-openapi";
import { LIMITS as HEAD_LIMITS, UNKNOWN_LABEL } from "../../adapters";
import { Problem } from "../problem";
import { assertBatchSize, type RawInput } from "../runtime/backbone-inputs";
import { TENANT_LIMITS } from "../tenant-limits";
import { FormInputsSchema, fromFormInputs, fromJsonInputs, JsonInputSchema } from "./inputs";
import { textField } from "./text-fields";

export const LabelSchema = textField(HEAD_LIMITS.maxLabelLength)
  .refine((label) => label !== UNKNOWN_LABEL, `"${UNKNOWN_LABEL}" is reserved for abstentions`)
  .openapi({ example: "positive" });

export const JsonSamplesSchema = z
  .strictObject({
    samples: z
      .array(z.strictObject({ input: JsonInputSchema, label: LabelSchema }))
      .openapi({ description: `At most ${TENANT_LIMITS.samplesPerRequest} samples per request.` }),
  })
  .openapi("SampleUpload");

export const FormSamplesSchema = z
  .strictObject({
    inputs: FormInputsSchema,
    label: LabelSchema.optional().openapi({ description: "One label for every input." }),
    labels: z
      .union([LabelSchema, z.array(LabelSchema)])
      .optional()
      .openapi({ description: "One label per input, in order (repeat the field)." }),
  })
  .openapi("SampleUploadForm");

export interface LabelledInput {
  raw: RawInput;
  label: string;
}

export function fromJsonSamples({ samples }: z.infer<typeof JsonSamplesSchema>): LabelledInput[] {
  const inputs = fromJsonInputs(samples.map((sample) => sample.input));
  return pairUp(
    inputs,
    samples.map((sample) => sample.label),
  );
}

/** The form's samples; more inputs than `maxBatch` are refused before any file is read or paired. */
export async function fromFormSamples(
  form: z.infer<typeof FormSamplesSchema>,
  maxBatch: number,
): Promise<LabelledInput[]> {
  assertBatchSize([form.inputs].flat().length, maxBatch);
  if (form.label !== undefined && form.labels !== undefined) {
    throw new Problem(
      422,
      "labels-mismatch",
      'send either one "label" field for every input or "labels" fields, one per input, not both',
    );
  }
  const inputs = await fromFormInputs(form.inputs);
  if (form.label !== undefined) return pairUp(inputs, Array(inputs.length).fill(form.label));
  return pairUp(inputs, form.labels === undefined ? [] : [form.labels].flat());
}

function pairUp(inputs: RawInput[], labels: string[]): LabelledInput[] {
  if (labels.length !== inputs.length) {
    throw new Problem(
      422,
      "labels-mismatch",
      `send either one "label" field or one "labels" field per input (${inputs.length} inputs, ${labels.length} labels)`,
    );
  }
  return inputs.map((raw, index) => ({ raw, label: labels[index] as string }));
}
