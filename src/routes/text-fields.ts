/**
 * The one rule for short text fields a person types (tenant and adapter names, labels): trimmed,
 * NFC-normalised, and free of the characters ../text-characters.ts refuses, so a name reads the same
 * in every log, terminal and UI.
 */

import { z } from "@hono/zod-openapi";
import { textFieldProblems } from "../text-characters";

/** A required short text: trimmed, NFC, 1 to `max` characters (code points), no forbidden characters. */
export function textField(max: number) {
  return (
    z
      .string()
      .trim()
      .normalize("NFC")
      .min(1)
      // `max` characters are code points (characterCount), which zod's max (UTF-16 units) is not.
      .superRefine((text, ctx) => {
        for (const message of textFieldProblems(text, max))
          ctx.addIssue({ code: "custom", message });
      })
      .openapi({ maxLength: max })
  );
}
