/** Uploads split under the API's per-request limits; CSV and JSONL rows read as text + label. */

import { describe, expect, it } from "vitest";
import {
  aloneItemDetail,
  batches,
  decodeUtf8,
  parseLabelledText,
  refusalScope,
  UPLOAD_LIMITS,
} from "../../../src/console/app/batches";

describe("batches", () => {
  it("stays under 64 samples, the body limit and the pixel budget per request", () => {
    const pictures = Array.from({ length: 40 }, (_, k) => ({
      k,
      bytes: 20_000,
      pixels: 224 * 224,
    }));
    const groups = batches(pictures);
    expect(groups.map((g) => g.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    const texts = Array.from({ length: 150 }, (_, k) => ({ k, bytes: 100, pixels: 0 }));
    expect(batches(texts).map((g) => g.length)).toEqual([64, 64, 22]);
    const big = Array.from({ length: 3 }, (_, k) => ({ k, bytes: 1.5 * 2 ** 20, pixels: 0 }));
    expect(batches(big).map((g) => g.length)).toEqual([2, 1]);
  });

  it("sends an item over a limit alone, in order, so the API can say why it refuses it", () => {
    const items = [
      { k: 0, bytes: 10, pixels: 10 },
      { k: 1, bytes: 10, pixels: UPLOAD_LIMITS.pixelsPerRequest * 4 },
      { k: 2, bytes: 10, pixels: 10 },
    ];
    expect(batches(items).map((g) => g.map((i) => i.k))).toEqual([[0], [1], [2]]);
  });
});

describe("parseLabelledText", () => {
  it("reads CSV with a header, quotes and commas inside the text", () => {
    const csv = 'text,label\n"a ""quoted"" word, and more",quotes\r\nplain text,plain\n\n';
    expect(parseLabelledText(csv, "rows.csv").rows).toEqual([
      { text: 'a "quoted" word, and more', label: "quotes", line: 2 },
      { text: "plain text", label: "plain", line: 3 },
    ]);
  });

  it("keeps unquoted commas in the text: the label is the last column", () => {
    expect(parseLabelledText("one, two, three,count", "x.csv").rows).toEqual([
      { text: "one, two, three", label: "count", line: 1 },
    ]);
  });

  it("keeps a quote inside an unquoted cell as written", () => {
    expect(parseLabelledText('she said "stop, now" loudly,farewell', "x.csv").rows).toEqual([
      { text: 'she said "stop, now" loudly', label: "farewell", line: 1 },
    ]);
  });

  it("skips a header row of other column names, says which, and only a header row", () => {
    const rows = [
      { text: "good film", label: "pos", line: 2 },
      { text: "bad film", label: "neg", line: 3 },
      { text: "great film", label: "pos", line: 4 },
    ];
    const body = "good film,pos\nbad film,neg\ngreat film,pos";
    for (const header of ["Sentence,Category", "review,sentiment", "utterance_text,my.label"]) {
      expect(parseLabelledText(`${header}\n${body}`, "x.csv")).toEqual({
        rows,
        header: header.split(","),
      });
    }
    // A first row that is a sample: its label is used again, or its text is a phrase (a column
    // word followed by an unquoted comma included), or its label is one the adapter already has.
    for (const first of [
      "fine,pos",
      "not a header,odd",
      "I loved it,y",
      "Review, five stars from me,pos",
      "Question, how do I reset it,support",
    ]) {
      expect(parseLabelledText(`${first}\n${body}`, "x.csv")).toMatchObject({ header: null });
    }
    expect(parseLabelledText(`Hello,greeting\n${body}`, "x.csv", ["greeting"]).header).toBeNull();
    // Two rows of one sample each: nothing says the first names columns.
    expect(parseLabelledText("hello,greeting\nbye,farewell", "x.csv").rows).toHaveLength(2);
  });

  it("reads a CSV whose first text starts with a brace as CSV", () => {
    expect(parseLabelledText("{braces} in text,odd\nplain,even", "pasted.csv").rows).toEqual([
      { text: "{braces} in text", label: "odd", line: 1 },
      { text: "plain", label: "even", line: 2 },
    ]);
  });

  it("reads JSONL with text or input", () => {
    const jsonl = '{"text": "a", "label": "x"}\n{"input": "b", "label": "y"}\n';
    expect(parseLabelledText(jsonl, "rows.jsonl").rows).toEqual([
      { text: "a", label: "x", line: 1 },
      { text: "b", label: "y", line: 2 },
    ]);
  });

  it("says which line is wrong, as the user sees it: a header and blank lines counted", () => {
    expect(() => parseLabelledText("just text", "x.csv")).toThrow("line 1: expected text,label");
    expect(() => parseLabelledText("text,label\na,x\n\nb,y\njust text", "x.csv")).toThrow(
      "line 5: expected text,label",
    );
    // A quoted text over two lines is one row: the next starts on the line after both.
    expect(parseLabelledText('"two\nlines",x\r\nnext,y', "x.csv").rows[1]).toEqual({
      text: "next",
      label: "y",
      line: 3,
    });
    expect(() =>
      parseLabelledText('{"text": "a", "label": "x"}\n\n{"text": 1}', "x.jsonl"),
    ).toThrow("line 3");
    expect(() => parseLabelledText('{"text": 1}', "x.jsonl")).toThrow("line 1");
    // A line that is not JSON at all is named too, not only the parser's complaint.
    expect(() => parseLabelledText('{"text": "a", "label": "x"}\n{not json', "x.jsonl")).toThrow(
      "line 2: not JSON",
    );
    expect(() => parseLabelledText("[]", "x.jsonl")).toThrow("line 1: not a JSON object");
    expect(() => parseLabelledText("{}", "x.jsonl")).toThrow("line 1: expected");
  });

  it("reads a paste as one format: a JSON line among CSV rows, or a CSV row in JSONL, is refused", () => {
    const mixed = 'shares fell,finance\n{"text":"bond yields climbed","label":"finance"}';
    expect(() => parseLabelledText(mixed, "pasted.csv")).toThrow(
      "line 2: a JSON object among CSV rows",
    );
    // After a header too, and whatever the lines between.
    expect(() =>
      parseLabelledText(`text,label\nshares fell,finance\n\n ${mixed.split("\n")[1]} `, "x.csv"),
    ).toThrow("line 4: a JSON object among CSV rows");
    const jsonl = '{"text":"bond yields climbed","label":"finance"}\nshares fell,finance';
    expect(() => parseLabelledText(jsonl, "pasted.csv")).toThrow(
      "line 2: not a JSON object among JSONL rows",
    );
    // A text that only starts or ends with a brace is a CSV text still.
    expect(parseLabelledText("a,x\n{braces} here,y", "x.csv").rows).toHaveLength(2);
  });
});

// A refused batch is retried item by item, and each answer said "input 0" beside the file's name.
describe("aloneItemDetail", () => {
  it.each([
    ["input 0: the PNG is truncated", '"shirt.png": the PNG is truncated'],
    ["input 0 is empty", '"shirt.png" is empty'],
    ["input 10 is empty", "input 10 is empty"],
    ["the request's images have too many pixels", "the request's images have too many pixels"],
  ])("reads %j as %j", (detail, named) => {
    expect(aloneItemDetail(detail, "shirt.png")).toBe(named);
  });
});

// A refused batch: each item alone only where an item can be the cause, or to fill the room left.
describe("refusalScope", () => {
  it.each([
    [422, "/problems/invalid-request", "item"],
    [415, "/problems/unsupported-media-type", "item"],
    [413, "/problems/payload-too-large", "item"],
    [422, "/problems/limit-exceeded", "room"],
    [409, "/problems/switch-in-progress", "upload"],
    [404, "/problems/adapter-not-found", "upload"],
    [429, "/problems/rate-limited", "upload"],
    [503, "about:blank", "upload"],
  ])("%i %s: %s", (status, type, scope) => {
    expect(refusalScope({ status, type })).toBe(scope);
  });
});

describe("decodeUtf8", () => {
  const bytes = (...values: number[]) => Uint8Array.from(values).buffer;

  it("reads UTF-8, without a byte-order mark", () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x63, 0x61, 0x66, 0xc3, 0xa9), "a.csv")).toBe("café");
  });

  it("refuses Latin-1 rather than reading U+FFFD into the samples", () => {
    expect(() => decodeUtf8(bytes(0x63, 0x61, 0x66, 0xe9), "latin1.csv")).toThrow(
      /latin1\.csv is not UTF-8 text/,
    );
  });
});
