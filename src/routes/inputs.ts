/**
 * Reading model inputs from a request: texts as JSON strings, images as multipart files or base64 in
 * JSON. Everything the backbone cannot take is refused here with a problem naming the input. Images
 * are checked against the request's pixel budget from their headers, then each is decoded, one at a
 * time (a decoder holds 25–40 bytes per pixel), before anything is embedded or stored. They wait as
 * decoded, 8-bit RGB at their own size, which the budget bounds to 3 bytes × 262,144 pixels
 * (768 KiB) for the whole request; resized to 224×224 floats, each input took 0.6 MB. The backbone
 * crops, resizes and scales them one forward batch at a time.
 */

import { z } from "@hono/zod-openapi";
import { base64ToBytes } from "../../adapters";
import { characterCount } from "../../adapters/limits";
import type { BackboneInput, BackboneManifest } from "../../models";
// From the image modules, not the models registry, so a single-backbone worker bundles only its own.
import {
  checkImageHeader,
  type DecodeLimits,
  decodeUntrustedImage,
  ImageError,
  sniffFormat,
} from "../../models/image";
import { LIMITS } from "../limits";
import { Problem } from "../problem";
import { sleep } from "../shared-wait";
import { mediaType, nonUtf8Charset } from "./body-form";
import { firstForbiddenCharacter, loneSurrogate } from "./text-characters";

/** One input as sent, before the backbone's preprocessing. */
export type RawInput = { kind: "text"; text: string } | { kind: "image"; bytes: Uint8Array };

export const JsonInputSchema = z
  .union([
    z.string().openapi({ description: "A text, for text backbones." }),
    z.strictObject({
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

/**
 * Multipart `inputs` field(s): plain values and `text/*` files (`curl -F inputs=@note.txt`) are
 * texts, other files images. Repeat the field for a batch.
 */
export const FormInputsSchema = z
  .union([FormValueSchema, z.array(FormValueSchema)], {
    // The union's own word for a missing field is "Invalid input".
    error: (issue) =>
      issue.input === undefined
        ? 'missing: send at least one "inputs" field (a file, or a text value)'
        : undefined,
  })
  .openapi({
    description:
      "Image files (repeat the field for a batch), or texts: text values or text/plain files (UTF-8).",
  });

export async function fromFormInputs(
  inputs: z.infer<typeof FormInputsSchema>,
): Promise<RawInput[]> {
  const values = Array.isArray(inputs) ? inputs : [inputs];
  return Promise.all(
    values.map(async (value, index): Promise<RawInput> => {
      if (typeof value === "string") return { kind: "text", text: formText(value, index) };
      const bytes = new Uint8Array(await value.arrayBuffer());
      if (!mediaType(value.type)?.startsWith("text/")) {
        // As an empty image in a JSON body is: nothing to read a format from.
        if (bytes.length === 0) {
          throw new Problem(422, "invalid-request", `input ${index} is an empty file`);
        }
        return { kind: "image", bytes };
      }
      const charset = nonUtf8Charset(value.type);
      if (charset !== undefined) {
        throw new Problem(
          415,
          "unsupported-media-type",
          `input ${index} is a text file in charset=${charset}: send it in UTF-8`,
        );
      }
      const text = utf8Text(bytes);
      if (text !== undefined) return { kind: "text", text };
      // A picture sent as text/plain: its magic bytes, not the declared type, say what it is.
      if (sniffFormat(bytes) !== "unknown") return { kind: "image", bytes };
      throw new Problem(422, "invalid-text", `input ${index} is a text file that is not UTF-8`);
    }),
  );
}

/**
 * A multipart text value, as workerd's FormData decoded it: bytes that were not UTF-8 come out as
 * U+FFFD, which is refused rather than stored in their place (a text file or a JSON body that is not
 * UTF-8 is refused too). A text that really holds U+FFFD can be sent in a JSON body.
 */
function formText(text: string, index: number): string {
  if (!text.includes("\uFFFD")) return text;
  throw new Problem(
    422,
    "invalid-text",
    `input ${index} contains U+FFFD, the replacement character, which is what a multipart text value that is not UTF-8 decodes to: send it in UTF-8 (or, if the character is meant, in a JSON body)`,
  );
}

/** A text file's bytes as UTF-8; undefined when they are not, rather than read with U+FFFD in place. */
function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Checks the batch against the backbone's modality and limits, then decodes images one by one,
 * yielding to other requests between them.
 */
export async function toBackboneInputs(
  manifest: BackboneManifest,
  inputs: RawInput[],
  maxBatch: number = LIMITS.maxEmbedBatch,
): Promise<BackboneInput[]> {
  if (inputs.length === 0) throw new Problem(422, "empty-batch", "send at least one input");
  assertBatchSize(inputs.length, maxBatch);
  for (const [index, input] of inputs.entries()) checkModality(manifest, input, index);
  checkPixelBudget(manifest, inputs);
  const limits = decodeLimits(manifest);
  const prepared: BackboneInput[] = [];
  for (const [index, input] of inputs.entries()) {
    if (input.kind === "text") {
      prepared.push(checkText(input.text, index));
    } else {
      if (index > 0) await sleep(0); // other requests between two images' decoding
      const image = await namingAsync(index, () => decodeUntrustedImage(input.bytes, limits));
      prepared.push({ kind: "image", image });
    }
  }
  return prepared;
}

/** 413 batch-too-large for more inputs than a request may carry. */
export function assertBatchSize(inputs: number, maxBatch: number): void {
  if (inputs <= maxBatch) return;
  throw new Problem(
    413,
    "batch-too-large",
    `${inputs} inputs in one request; the limit is ${maxBatch}`,
    { limit: maxBatch },
  );
}

function checkModality(manifest: BackboneManifest, input: RawInput, index: number): void {
  if (input.kind !== manifest.modality) {
    throw new Problem(
      422,
      "wrong-modality",
      `input ${index} is ${input.kind === "text" ? "a text" : 'an image (an {"image": …} value, or a file part that is not text/*)'}, but backbone ${manifest.id} takes ${manifest.modality === "text" ? "texts (values, or text/plain files)" : "images"}`,
    );
  }
}

function decodeLimits(manifest: BackboneManifest): DecodeLimits | undefined {
  const { preprocessing } = manifest;
  return preprocessing.kind === "image" ? { maxPixels: preprocessing.maxPixels } : undefined;
}

/**
 * Every image's header against the per-image limit, then their pixels summed against the request's
 * budget: an image or a request over its limit is refused before anything is decoded.
 */
function checkPixelBudget(manifest: BackboneManifest, inputs: RawInput[]): void {
  const limits = decodeLimits(manifest);
  let pixels = 0;
  for (const [index, input] of inputs.entries()) {
    if (input.kind !== "image") continue;
    const size = naming(index, () => checkImageHeader(input.bytes, limits));
    pixels += size.width * size.height;
  }
  if (pixels > LIMITS.maxRequestPixels) {
    throw new Problem(
      413,
      "pixel-budget-exceeded",
      `the images of this request have ${pixels} pixels in all; the limit is ${LIMITS.maxRequestPixels} pixels per request: downscale them first (${manifest.id} sees ${inputSize(manifest)}) or send fewer per request`,
      { limit: LIMITS.maxRequestPixels },
    );
  }
}

function inputSize({ preprocessing }: BackboneManifest): string {
  return preprocessing.kind === "image"
    ? `${preprocessing.resize.width}×${preprocessing.resize.height}`
    : "no images";
}

/** `?truncate=true` on the routes that take texts (upload, predict, embed). */
export const TruncateQuery = {
  truncate: z
    .enum(["true", "false"])
    .optional()
    .openapi({
      description: `"true": a text over ${LIMITS.maxTextChars} characters is cut to its first ${LIMITS.maxTextChars} (and stored so, on an upload) instead of refused with 422 text-too-long.`,
    }),
};

/** The input, a text cut to its first maxTextChars characters (code points), for `?truncate=true`. */
export function truncated(input: RawInput): RawInput {
  if (input.kind !== "text" || characterCount(input.text) <= LIMITS.maxTextChars) return input;
  return { kind: "text", text: Array.from(input.text).slice(0, LIMITS.maxTextChars).join("") };
}

/**
 * A text of nothing a reader sees: white space, control characters and the characters Unicode says
 * to show as nothing (zero-width space, soft hyphen, Hangul filler …), which embed as an empty text.
 */
const NOTHING_SHOWN = /^[\s\p{Cc}\p{Default_Ignorable_Code_Point}]*$/u;

function checkText(text: string, index: number): BackboneInput {
  if (NOTHING_SHOWN.test(text)) {
    throw new Problem(
      422,
      "empty-text",
      text.length === 0 ? `input ${index} is empty` : `input ${index} shows no character`,
    );
  }
  const unpaired = firstForbiddenCharacter(text, loneSurrogate);
  if (unpaired) throw new Problem(422, "invalid-text", `input ${index} contains ${unpaired}`);
  // Characters as a person counts them (code points: an emoji is one, not two UTF-16 units).
  const characters = characterCount(text);
  if (characters > LIMITS.maxTextChars) {
    throw new Problem(
      422,
      "text-too-long",
      `input ${index} has ${characters} characters; the limit is ${LIMITS.maxTextChars} (send ?truncate=true to keep the first ${LIMITS.maxTextChars})`,
      { limit: LIMITS.maxTextChars },
    );
  }
  return { kind: "text", text };
}

/** Runs an image step, naming the input in its error so a client knows which file to fix. */
function naming<T>(index: number, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw namingInput(index, error);
  }
}

async function namingAsync<T>(index: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw namingInput(index, error);
  }
}

function namingInput(index: number, error: unknown): unknown {
  return error instanceof ImageError
    ? new ImageError(error.code, `input ${index}: ${error.message}`, error.format)
    : error;
}

function decodeBase64(text: string, index: number): Uint8Array {
  const payload = text.startsWith("data:") ? text.slice(text.indexOf(",") + 1) : text;
  if (payload.trim() === "") {
    throw new Problem(
      422,
      "invalid-base64",
      `input ${index}: the data: URL holds no image after its comma`,
    );
  }
  try {
    return base64ToBytes(payload);
  } catch {
    throw new Problem(422, "invalid-base64", `input ${index}: image is not valid base64`);
  }
}
