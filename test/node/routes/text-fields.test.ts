/** The one rule for names and labels, and how problems echo ids. */

import { describe, expect, it } from "vitest";
import { echoId, MAX_ECHOED_ID } from "../../../src/problem";
import { textField } from "../../../src/routes/text-fields";
import { firstForbiddenCharacter } from "../../../src/text-characters";

const name = textField(100);

describe("names and labels", () => {
  it.each([
    ["NUL", "a\u0000b", "U+0000 (a control character) at position 1"],
    ["ESC", "\u001b[31mred", "U+001B (a control character) at position 0"],
    ["newline inside", "two\nlines", "U+000A (a control character) at position 3"],
    ["tab inside", "a\tb", "U+0009 (a control character) at position 1"],
    ["C1", "a\u0085", "U+0085 (a control character) at position 1"],
    ["DEL", "a\u007f", "U+007F (a control character) at position 1"],
    ["RLO", "abc\u202Edef", "U+202E (a bidi control) at position 3"],
    ["isolate", "\u2066x", "U+2066 (a bidi control) at position 0"],
    ["LRM", "x\u200E", "U+200E (a bidi control) at position 1"],
    ["Arabic letter mark", "x\u061C", "U+061C (a bidi control) at position 1"],
    ["line separator", "x\u2028y", "U+2028 (a line or paragraph separator) at position 1"],
    ["lone high surrogate", "a\uD800b", "U+D800 (a lone surrogate) at position 1"],
    ["lone low surrogate", "\uDC00", "U+DC00 (a lone surrogate) at position 0"],
    // Positions count code points: the emoji before it is one character.
    ["after an astral character", "😀\u202E", "U+202E (a bidi control) at position 1"],
    ["zero-width space", "a\u200Bb", "U+200B (an invisible character) at position 1"],
    ["word joiner", "ab\u2060", "U+2060 (an invisible character) at position 2"],
    ["zero-width no-break space", "a\uFEFFb", "U+FEFF (an invisible character) at position 1"],
    ["soft hyphen", "sp\u00ADam", "U+00AD (an invisible character) at position 2"],
    ["invisible plus", "a\u2064b", "U+2064 (an invisible character) at position 1"],
    ["Hangul filler", "\u3164x", "U+3164 (an invisible character) at position 0"],
    ["Mongolian vowel separator", "x\u180Ey", "U+180E (an invisible character) at position 1"],
    ["combining grapheme joiner", "a\u034Fb", "U+034F (an invisible character) at position 1"],
    // A multipart field's bytes that were not UTF-8 (a Latin-1 "café") arrive as U+FFFD: "café" and
    // "cafè" would become one label.
    [
      "the replacement character",
      "caf\uFFFD",
      "U+FFFD (the replacement character: bytes that were not UTF-8) at position 3",
    ],
    // Characters that shape their neighbours, where they have none: each label looks like "cat"
    // or like nothing at all.
    ["a trailing joiner", "cat\u200D", "U+200D (a joiner with nothing to join) at position 3"],
    ["a joiner alone", "\u200D", "U+200D (a joiner with nothing to join) at position 0"],
    [
      "a joiner before a space",
      "a\u200C b",
      "U+200C (a joiner with nothing to join) at position 1",
    ],
    [
      "an emoji variation selector after a letter",
      "cat\uFE0F",
      "U+FE0F (an emoji variation selector after no emoji) at position 3",
    ],
    [
      "a tag after a letter",
      "cat\u{E0020}",
      "U+E0020 (a tag character outside a flag's tag sequence) at position 3",
    ],
    [
      "a flag's tags with no cancel tag",
      "\u{1F3F4}\u{E0067}\u{E0062}",
      "U+E0062 (a tag character outside a flag's tag sequence) at position 2",
    ],
    [
      "a digit's emoji variation selector with no keycap",
      "cat1\uFE0F",
      "U+FE0F (an emoji variation selector after a digit, # or * that is no keycap) at position 4",
    ],
    [
      "a black flag's cancel tag alone",
      "\u{1F3F4}\u{E007F}",
      "U+E007F (a tag character outside a flag's tag sequence) at position 1",
    ],
    [
      "a combining accent alone",
      "\u0301",
      "U+0301 (a mark with no character to mark) at position 0",
    ],
    [
      "a variation selector alone",
      "\uFE00",
      "U+FE00 (a mark with no character to mark) at position 0",
    ],
  ])("refuses %s and says which character, where", (_, text, expected) => {
    const result = name.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(`contains ${expected}`);
  });

  it.each([
    ["plain", "acme"],
    ["accents", "Zoë Ångström"],
    ["CJK", "猫と犬"],
    ["emoji (a surrogate pair)", "cats 🐈"],
    ["Arabic", "قطط"],
    ["inner spaces", "big  cats"],
    // Invisible, but they shape what is shown: joiners in words and emoji, variation selectors,
    // the tags of a subdivision flag.
    ["Persian with a zero-width non-joiner", "می\u200Cخواهم"],
    ["a ZWJ emoji sequence", "\u{1F469}\u200D\u{1F4BB}"],
    ["an emoji variation selector", "\u2764\uFE0F"],
    ["a subdivision flag", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"],
    ["a keycap", "1\uFE0F\u20E3"],
    ["an emoji with a variation selector, joined", "\u2764\uFE0F\u200D\u{1F525}"],
    ["a family emoji with a skin tone", "\u{1F469}\u{1F3FD}\u200D\u{1F467}"],
    ["stacked accents", "a\u0301\u0323"],
    ["Devanagari with a virama and a joiner", "\u0915\u094D\u200D\u0937"],
    ["a CJK ideograph with its variation selector", "\u845B\u{E0100}"],
    ["Bengali ra + ZWJ + virama (ya-phala)", "\u09B0\u200D\u09CD\u09AF\u09BE\u09AC"],
    ["Sinhala touching letters (ZWJ + al-lakuna)", "\u0D9A\u200D\u0DCA\u0DC0"],
    ["a legacy Malayalam chillu ending a word", "\u0D28\u0D4D\u200D"],
    ["a hash keycap", "#\uFE0F\u20E3"],
  ])("accepts %s", (_, text) => {
    expect(name.parse(text)).toBe(text.normalize("NFC"));
  });

  it("stores the NFC form and trims", () => {
    const decomposed = " e\u0301te\u0301 ";
    expect(name.parse(decomposed)).toBe("\u00e9t\u00e9");
  });

  it("counts the limit after normalising", () => {
    expect(textField(2).safeParse("e\u0301e\u0301").success).toBe(true);
    expect(textField(2).safeParse("abc").success).toBe(false);
  });

  it("finds nothing in clean text", () => {
    expect(firstForbiddenCharacter("hello, world")).toBeUndefined();
  });
});

describe("echoed ids", () => {
  it("quotes short ids as they are", () => {
    expect(echoId("a_0123")).toBe('"a_0123"');
  });

  it(`cuts long ids to ${MAX_ECHOED_ID} characters with an ellipsis`, () => {
    const echoed = JSON.parse(echoId("x".repeat(10_000))) as string;
    expect(echoed).toBe(`${"x".repeat(MAX_ECHOED_ID)}…`);
  });

  it("escapes control characters and lone surrogates instead of repeating them", () => {
    expect(echoId("a\u0000\uD800")).toBe('"a\\u0000\\ud800"');
  });
});
