/** Texts of a request: what a text backbone is given, and what is refused before it is embedded or stored. */

import { describe, expect, it } from "vitest";
import { lexical } from "../../../models/lexical";
import { Problem } from "../../../src/problem";
import { fromFormInputs, truncated } from "../../../src/routes/inputs";
import { type RawInput, toBackboneInputs } from "../../../src/runtime/backbone-inputs";

const text = (value: string): RawInput => ({ kind: "text", text: value });

async function refusal(inputs: RawInput[]): Promise<Problem> {
  const error = await toBackboneInputs(lexical.manifest, inputs).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Problem)) throw new Error(`expected a Problem, got ${String(error)}`);
  return error;
}

describe("toBackboneInputs for texts", () => {
  it("passes texts on as sent, tabs, newlines and astral characters included", async () => {
    const sent = ["line one\nline\ttwo", "emoji 😀 and 𝒳", "nul\u0000inside"];
    expect(await toBackboneInputs(lexical.manifest, sent.map(text))).toEqual(
      sent.map((value) => ({ kind: "text", text: value })),
    );
  });

  // A lone surrogate has no UTF-8 form: hashing and storing the text replaced it with U+FFFD, so
  // "a\uD800" and "a\uDBFF" were one sample (the second answered "duplicate") and the raw upload
  // read back was not what was sent.
  it.each([
    ["a high one", "abc \ud800 def", "U+D800 (a lone surrogate) at position 4"],
    ["a low one", "\udc00abc", "U+DC00 (a lone surrogate) at position 0"],
    ["one after a pair", "😀\udbff", "U+DBFF (a lone surrogate) at position 1"],
  ])("refuses a text with %s, naming the input and the character", async (_, value, where) => {
    const problem = await refusal([text("fine"), text(value)]);
    expect(problem.status).toBe(422);
    expect(problem.slug).toBe("invalid-text");
    expect(problem.detail).toBe(`input 1 contains ${where}`);
  });

  it("counts a text's characters as code points: 2,000 emoji pass, 2,001 do not", async () => {
    expect(await toBackboneInputs(lexical.manifest, [text("😀".repeat(2000))])).toHaveLength(1);
    const problem = await refusal([text("😀".repeat(2001))]);
    expect(problem.slug).toBe("text-too-long");
    expect(problem.detail).toBe(
      "input 0 has 2001 characters; the limit is 2000 (send ?truncate=true to keep the first 2000)",
    );
  });

  it("cuts a text over the limit to its first 2,000 characters for ?truncate=true", async () => {
    const long = truncated(text(`${"😀".repeat(1999)}ab${"c".repeat(50)}`));
    expect(long).toEqual({ kind: "text", text: `${"😀".repeat(1999)}a` });
    expect(await toBackboneInputs(lexical.manifest, [long])).toHaveLength(1);
    // Texts within it and images pass as they are.
    const short = text("fine");
    expect(truncated(short)).toBe(short);
    const image = { kind: "image" as const, bytes: Uint8Array.of(1) };
    expect(truncated(image)).toBe(image);
  });
});

// A text/plain file part was read as an image: "input 0 is an image" on a text adapter.
describe("fromFormInputs", () => {
  const file = (bytes: Uint8Array, type: string) => new File([bytes], "note", { type });

  it("reads text values and text/* files as texts, other files as images", async () => {
    const utf8 = new TextEncoder().encode("café au lait");
    expect(
      await fromFormInputs([
        "typed",
        file(utf8, "text/plain;charset=utf-8"),
        file(utf8, "TEXT/markdown"),
        file(Uint8Array.of(0x89, 0x50), "image/png"),
      ]),
    ).toEqual([
      { kind: "text", text: "typed" },
      { kind: "text", text: "café au lait" },
      { kind: "text", text: "café au lait" },
      { kind: "image", bytes: Uint8Array.of(0x89, 0x50) },
    ]);
  });

  it("reads a picture sent as text/plain as the image its magic bytes say, not as a bad text", async () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16);
    expect(await fromFormInputs([file(png, "text/plain"), file(jpeg, "text/plain")])).toEqual([
      { kind: "image", bytes: png },
      { kind: "image", bytes: jpeg },
    ]);
    // A text that is UTF-8 stays a text, whatever it starts with ("BM" is a bitmap's signature).
    const bm = new TextEncoder().encode("BMW e30");
    expect(await fromFormInputs([file(bm, "text/plain")])).toEqual([
      { kind: "text", text: "BMW e30" },
    ]);
  });

  it("refuses a text file that declares another charset (415), as a JSON body", async () => {
    const ascii = new TextEncoder().encode("cafe");
    await expect(
      fromFormInputs([file(ascii, "text/plain; charset=iso-8859-1")]),
    ).rejects.toMatchObject({ status: 415, slug: "unsupported-media-type" });
    expect(await fromFormInputs([file(ascii, "text/plain; charset=UTF-8")])).toEqual([
      { kind: "text", text: "cafe" },
    ]);
  });

  it("refuses an empty image file (422), as an empty image in a JSON body", async () => {
    await expect(
      fromFormInputs(["fine", file(new Uint8Array(), "application/octet-stream")]),
    ).rejects.toMatchObject({
      status: 422,
      slug: "invalid-request",
      detail: "input 1 is an empty file",
    });
  });

  it("refuses a text file that is not UTF-8, naming the input", async () => {
    const latin1 = Uint8Array.of(0x63, 0x61, 0x66, 0xe9);
    await expect(fromFormInputs(["fine", file(latin1, "text/plain")])).rejects.toMatchObject({
      status: 422,
      slug: "invalid-text",
      detail: "input 1 is a text file that is not UTF-8",
    });
  });

  it("refuses a text value holding U+FFFD, what a multipart value that is not UTF-8 decodes to", async () => {
    await expect(fromFormInputs(["fine", "latin1 caf\uFFFD au lait"])).rejects.toMatchObject({
      status: 422,
      slug: "invalid-text",
      detail: expect.stringContaining("input 1 contains U+FFFD"),
    });
  });
});
