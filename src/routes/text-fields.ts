/**
 * The one rule for short text fields a person types (tenant and adapter names, labels): trimmed,
 * NFC-normalised, and free of characters that hide, reorder or are not shown, so a name reads the same
 * in every log, terminal and UI. A refusal names the character and its position (code points from 0).
 */

import { z } from "@hono/zod-openapi";
import { characterCount } from "../../adapters/limits";

/** Explicit bidi formatting characters (Unicode's Bidi_Control property, UAX #9). */
const BIDI_CONTROLS = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);

/**
 * Characters Unicode says to show as nothing (Default_Ignorable_Code_Point: zero-width space, word
 * joiner, soft hyphen, Hangul fillers …), which make two labels that look the same differ.
 */
const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u;

/**
 * Invisible too, but they shape the characters around them, so words and emoji need them: the
 * zero-width non-joiner and joiner (Persian, Indic scripts; 👩‍💻), variation selectors (❤️) and the
 * tag characters of subdivision flags.
 */
function shapesItsNeighbours(codePoint: number): boolean {
  if (codePoint === 0x200c || codePoint === 0x200d) return true;
  if (codePoint >= 0xe0020 && codePoint <= 0xe007f) return true;
  return /^\p{Variation_Selector}$/u.test(String.fromCodePoint(codePoint));
}

/** What is wrong with one code point, or undefined when it may appear in a name or label. */
export function forbiddenCharacter(codePoint: number): string | undefined {
  if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f)) return "a control character";
  if (codePoint === 0x2028 || codePoint === 0x2029) return "a line or paragraph separator";
  if (BIDI_CONTROLS.has(codePoint)) return "a bidi control";
  // What a decoder puts for bytes that were not UTF-8 (workerd's FormData does, for a multipart
  // field): "café" and "cafè" sent in Latin-1 would be one label.
  if (codePoint === 0xfffd) return "the replacement character: bytes that were not UTF-8";
  const surrogate = loneSurrogate(codePoint);
  if (surrogate) return surrogate;
  const invisible = INVISIBLE.test(String.fromCodePoint(codePoint));
  return invisible && !shapesItsNeighbours(codePoint) ? "an invisible character" : undefined;
}

/**
 * A surrogate that is not half of a pair (iterating a string by code points yields it on its own):
 * it has no UTF-8 form, so hashing or storing the text would replace it with U+FFFD.
 */
export function loneSurrogate(codePoint: number): string | undefined {
  return codePoint >= 0xd800 && codePoint <= 0xdfff ? "a lone surrogate" : undefined;
}

/**
 * "U+202E (a bidi control) at position 3" for the first character `refuse` names (by default every
 * forbidden one), else undefined.
 */
export function firstForbiddenCharacter(
  text: string,
  refuse: (codePoint: number) => string | undefined = forbiddenCharacter,
): string | undefined {
  let position = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) as number;
    const what = refuse(codePoint);
    if (what) return `${codePointName(codePoint)} (${what}) at position ${position}`;
    position++;
  }
  return undefined;
}

function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

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
        const found = firstForbiddenCharacter(text);
        if (found) ctx.addIssue({ code: "custom", message: `contains ${found}` });
        const characters = characterCount(text);
        if (characters > max) {
          ctx.addIssue({
            code: "custom",
            message: `at most ${max} characters (${characters} given)`,
          });
        }
      })
      .openapi({ maxLength: max })
  );
}
