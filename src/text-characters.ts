/**
 * The characters a short text field a person types (tenant and adapter names, labels) may not hold:
 * those that hide, reorder or are not shown, or shape nothing where they stand, so a name reads the
 * same in every log, terminal and UI. Pure, so the console checks a label as the API will before
 * keeping it. A refusal names the character and its position (code points from 0).
 */

import { characterCount } from "../adapters/limits";

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
  if (isJoiner(codePoint)) return true;
  if (codePoint >= 0xe0020 && codePoint <= 0xe007f) return true;
  return /^\p{Variation_Selector}$/u.test(String.fromCodePoint(codePoint));
}

/**
 * Where a character that shapes its neighbours, or a combining mark, has nothing to shape, it only
 * makes the name differ from one that looks the same ("cat" and "cat" + U+200D): what is wrong with
 * code point `at` there, or undefined.
 * - A joiner sits between two shown characters, or ends a word after a mark (Malayalam's chillu
 *   written with virama + ZWJ).
 * - An emoji variation selector follows an emoji; after a digit, # or *, only as a keycap (U+20E3
 *   next).
 * - Tag characters follow the black flag or another tag, and end with the cancel tag.
 * - Another variation selector or a mark follows a shown character (a mark included, for stacked
 *   accents), or a joiner after one (Bengali's ya-phala, Sinhala's touching letters: ZWJ + virama).
 */
function misplaced(codePoints: number[], at: number): string | undefined {
  const codePoint = codePoints[at] as number;
  const [twoBefore, before, after] = [codePoints[at - 2], codePoints[at - 1], codePoints[at + 1]];
  if (isJoiner(codePoint)) {
    const joins = isShown(after) || (isMark(before) && !isShown(after));
    return isShown(before) && joins ? undefined : "a joiner with nothing to join";
  }
  if (codePoint === 0xfe0e || codePoint === 0xfe0f) {
    if (before === undefined || !EMOJI.test(String.fromCodePoint(before))) {
      return "an emoji variation selector after no emoji";
    }
    return KEYCAP_BASE.test(String.fromCodePoint(before)) && after !== COMBINING_KEYCAP
      ? "an emoji variation selector after a digit, # or * that is no keycap"
      : undefined;
  }
  if (isTag(codePoint)) {
    const opened =
      before !== undefined && before !== CANCEL_TAG && (before === BLACK_FLAG || isTag(before));
    const closed = codePoint === CANCEL_TAG ? before !== BLACK_FLAG : isTag(after);
    return opened && closed ? undefined : "a tag character outside a flag's tag sequence";
  }
  if (isMark(codePoint)) {
    const marked = isShown(before) || (isJoiner(before) && isShown(twoBefore));
    return marked ? undefined : "a mark with no character to mark";
  }
  return undefined;
}

const EMOJI = /^\p{Emoji}$/u;
const KEYCAP_BASE = /^[0-9#*]$/u;
const MARK = /^\p{M}$/u;
const SHOWN = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;
const COMBINING_KEYCAP = 0x20e3;

function isShown(codePoint: number | undefined): boolean {
  return codePoint !== undefined && SHOWN.test(String.fromCodePoint(codePoint));
}

function isMark(codePoint: number | undefined): boolean {
  return codePoint !== undefined && MARK.test(String.fromCodePoint(codePoint));
}

function isJoiner(codePoint: number | undefined): boolean {
  return codePoint === 0x200c || codePoint === 0x200d;
}

function isTag(codePoint: number | undefined): boolean {
  return codePoint !== undefined && codePoint >= 0xe0020 && codePoint <= CANCEL_TAG;
}

/** "U+200D (a joiner with nothing to join) at position 3" for the first misplaced character. */
export function firstMisplacedCharacter(text: string): string | undefined {
  const codePoints = Array.from(text, (character) => character.codePointAt(0) as number);
  for (const [position, codePoint] of codePoints.entries()) {
    const what = misplaced(codePoints, position);
    if (what) return `${codePointName(codePoint)} (${what}) at position ${position}`;
  }
  return undefined;
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

/**
 * What the API would refuse in a short text field of at most `max` characters, already trimmed and
 * NFC-normalised ("contains U+202E (a bidi control) at position 3", "at most 128 characters (130
 * given)"): none when it may be stored.
 */
export function textFieldProblems(text: string, max: number): string[] {
  const problems: string[] = [];
  const found = firstForbiddenCharacter(text) ?? firstMisplacedCharacter(text);
  if (found) problems.push(`contains ${found}`);
  const characters = characterCount(text);
  if (characters > max) problems.push(`at most ${max} characters (${characters} given)`);
  return problems;
}
