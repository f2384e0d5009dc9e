/**
 * Reading model inputs from a request: texts as JSON strings, images as multipart files or base64 in
 * JSON. Everything the backbone cannot take is refused here with a problem naming the input.
 */

import { z } from "@hono/zod-openapi";
import type { BackboneInput, BackboneManifest } from "../../models";
// From the image module, not the models registry, so a single-backbone worker bundles only its own.
import { decodeImage, ImageError } from "../../models/image";
import { LIMITS } from "../limits";
import { Problem } from "../problem";

/** One input as sent, before the backbone's preprocessing. */
export type RawInput = { kind: "text"; text: string } | { kind: "image"; bytes: Uint8Array };

export const JsonInputSchema = z
  .union([
    z.string().openapi({ description: "A text, for text backbones." }),
    z.object({
      image: z.string().min(1).openapi({
        description: "A JPEG or PNG image in base64 (a data: URL is accepted too).",
      }),
    }),
  ])
  .openapi("Input");

/** Converts the JSON form of inputs; base64 that does not decode is refused. */
export function fromJsonInputs(inputs: z.infer<typeof JsonInputSchema>[]): RawInput[] {
  return inputs.map((input, index) =>
    typeof input === "string"
      ? { kind: "text", text: input }
      : { kind: "image", bytes: decodeBase64(input.image, index) },
  );
}

const FormValueSchema = z
  .custom<File | string>((value) => typeof value === "string" || value instanceof File, {
    message: "expected a file or a text field",
  })
  .openapi({ type: "string", format: "binary" });

/** Multipart `inputs` field(s): files are images, plain values are texts. Repeat the field for a batch. */
export const FormInputsSchema = z
  .union([FormValueSchema, z.array(FormValueSchema)])
  .openapi({ description: "Image files (repeat the field for a batch), or text values." });

export async function fromFormInputs(
  inputs: z.infer<typeof FormInputsSchema>,
): Promise<RawInput[]> {
  const values = Array.isArray(inputs) ? inputs : [inputs];
  return Promise.all(
    values.map(
      async (value): Promise<RawInput> =>
        typeof value === "string"
          ? { kind: "text", text: value }
          : { kind: "image", bytes: new Uint8Array(await value.arrayBuffer()) },
    ),
  );
}

/** Checks the batch against the backbone's modality and limits, and preprocesses images. */
export function toBackboneInputs(
  manifest: BackboneManifest,
  inputs: RawInput[],
  maxBatch: number = LIMITS.maxEmbedBatch,
): BackboneInput[] {
  if (inputs.length === 0) throw new Problem(422, "empty-batch", "send at least one input");
  if (inputs.length > maxBatch) {
    throw new Problem(
      413,
      "batch-too-large",
      `${inputs.length} inputs in one request; the limit is ${maxBatch}`,
      { limit: maxBatch },
    );
  }
  return inputs.map((input, index) => toBackboneInput(manifest, input, index));
}

function toBackboneInput(
  manifest: BackboneManifest,
  input: RawInput,
  index: number,
): BackboneInput {
  if (input.kind !== manifest.modality) {
    throw new Problem(
      422,
      "wrong-modality",
      `input ${index} is ${input.kind === "text" ? "a text" : "an image"}, but backbone ${manifest.id} takes ${manifest.modality === "text" ? "texts" : "images"}`,
    );
  }
  return input.kind === "text"
    ? checkText(input.text, index)
    : preprocessImage(manifest, input.bytes, index);
}

function checkText(text: string, index: number): BackboneInput {
  if (text.trim().length === 0) {
    throw new Problem(422, "empty-text", `input ${index} is empty`);
  }
  if (text.length > LIMITS.maxTextChars) {
    throw new Problem(
      422,
      "text-too-long",
      `input ${index} has ${text.length} characters; the limit is ${LIMITS.maxTextChars}`,
      { limit: LIMITS.maxTextChars },
    );
  }
  return { kind: "text", text };
}

function preprocessImage(
  manifest: BackboneManifest,
  bytes: Uint8Array,
  index: number,
): BackboneInput {
  const limits =
    manifest.preprocessing.kind === "image"
      ? { maxPixels: manifest.preprocessing.maxPixels }
      : undefined;
  try {
    return { kind: "image", image: decodeImage(bytes, limits) };
  } catch (error) {
    // Name the input, so a client knows which file of a batch to fix.
    if (error instanceof ImageError) {
      throw new ImageError(error.code, `input ${index}: ${error.message}`, error.format);
    }
    throw error;
  }
}

function decodeBase64(text: string, index: number): Uint8Array {
  const payload = text.startsWith("data:") ? text.slice(text.indexOf(",") + 1) : text;
  try {
    return Uint8Array.from(atob(payload), (char) => char.charCodeAt(0));
  } catch {
    throw new Problem(422, "invalid-base64", `input ${index}: image is not valid base64`);
  }
}
