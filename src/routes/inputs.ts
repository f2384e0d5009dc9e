/**
 * Reading model inputs from a request: texts as JSON strings, images as multipart files or base64 in
 * JSON, into the raw inputs ../runtime/backbone-inputs.ts checks and decodes for a backbone.
 */

import { z } from "@hono/zod-openapi";
import { base64ToBytes } from "../../adapters";
import { characterCount } from "../../adapters/limits";
import { sniffFormat } from "../../models/image";
import { LIMITS } from "../limits";
import { Problem } from "../problem";
import type { RawInput } from "../runtime/backbone-inputs";
import { mediaType, nonUtf8Charset } from "./body-form";

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
