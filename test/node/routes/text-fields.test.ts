/** The one rule for names and labels, and how problems echo ids. */

import { describe, expect, it } from "vitest";
import { echoId, MAX_ECHOED_ID } from "../../../src/problem";
import { firstForbiddenCharacter, textField } from "../../../src/routes/text-fields";

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
