/**
 * What a backbone may be given: raw inputs (texts, image files) checked against its modality and the
 * request limits, then decoded. Everything the backbone cannot take is refused here with a problem
 * naming the input. Images are checked against the request's pixel budget from their headers (the
 * pixels they decode to: a large JPEG's reduced size), then each is decoded, one at a time (a decoder
 * holds 25–40 bytes per pixel), before anything is embedded or stored. They wait as decoded, 8-bit
 * RGB at their decoded size, which the budget bounds to 3 bytes ×
 * 262,144 pixels (768 KiB) for the whole request; resized to 224×224 floats, each input took 0.6 MB.
 * The backbone crops, resizes and scales them one forward batch at a time.
 */

import { characterCount } from "../../adapters/limits";
import type { BackboneInput, BackboneManifest } from "../../models";
// From the image modules, not the models registry, so a single-backbone worker bundles only its own.
import {
  checkImageHeader,
  type DecodeLimits,
  decodeUntrustedImage,
  ImageError,
} from "../../models/image";
import { LIMITS } from "../limits";
import { Problem } from "../problem";
import { sleep } from "../shared-wait";
import { firstForbiddenCharacter, loneSurrogate } from "../text-characters";

/** One input as sent, before the backbone's preprocessing. */
export type RawInput = { kind: "text"; text: string } | { kind: "image"; bytes: Uint8Array };

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
