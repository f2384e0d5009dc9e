/** Request validation of the tenant API that does not need a Durable Object. */

import { describe, expect, it } from "vitest";
import { assertTrainable } from "../../../src/jobs/readiness";
import { Problem } from "../../../src/problem";
import { chooseBody } from "../../../src/routes/body-form";
import {
  fromFormSamples,
  fromJsonSamples,
  JsonSamplesSchema,
  LabelSchema,
} from "../../../src/routes/sample-inputs";

function problemOf(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error("expected a Problem");
}

describe("labels", () => {
  it.each([
    ["", false],
    ["   ", false],
    ["unknown", false],
    ["x".repeat(129), false],
    ["x".repeat(128), true],
    ["  spam ", true],
  ])("%j valid: %s", (label, valid) => {
    expect(LabelSchema.safeParse(label).success).toBe(valid);
  });

  it("are trimmed", () => {
    expect(LabelSchema.parse("  spam ")).toBe("spam");
  });
});

describe("sample uploads", () => {
  it("JSON pairs each input with its label", () => {
    const body = JsonSamplesSchema.parse({
      samples: [
        { input: "hi", label: "a" },
        { input: { image: "AAAA" }, label: "b" },
      ],
    });
    expect(fromJsonSamples(body)).toEqual([
      { raw: { kind: "text", text: "hi" }, label: "a" },
      { raw: { kind: "image", bytes: new Uint8Array([0, 0, 0]) }, label: "b" },
    ]);
  });

  it("JSON refuses a sample without a label or with a wrong type", () => {
    expect(JsonSamplesSchema.safeParse({ samples: [{ input: "hi" }] }).success).toBe(false);
    expect(JsonSamplesSchema.safeParse({ samples: [{ input: 3, label: "a" }] }).success).toBe(
      false,
    );
    expect(JsonSamplesSchema.safeParse({ samples: "hi" }).success).toBe(false);
  });

  it("multipart takes one label for all inputs, or one per input", async () => {
    const file = new File([new Uint8Array([1, 2])], "a.png");
    expect(await fromFormSamples({ inputs: [file, file], label: "cat" }, 64)).toHaveLength(2);
    const each = await fromFormSamples({ inputs: [file, file], labels: ["cat", "dog"] }, 64);
    expect(each.map((sample) => sample.label)).toEqual(["cat", "dog"]);
  });

  it("multipart refuses labels that do not match the inputs", async () => {
    const file = new File([new Uint8Array([1])], "a.png");
    for (const form of [
      { inputs: [file, file], labels: "cat" },
      { inputs: file },
      { inputs: file, label: "cat", labels: "dog" },
    ]) {
      await expect(fromFormSamples(form, 64)).rejects.toMatchObject({
        status: 422,
        slug: "labels-mismatch",
      });
    }
    await expect(
      fromFormSamples({ inputs: file, label: "cat", labels: "dog" }, 64),
    ).rejects.toThrow(/not both/);
  });

  it("multipart refuses more inputs than a request may carry before pairing them with labels", async () => {
    const file = new File([new Uint8Array([1])], "a.png");
    await expect(fromFormSamples({ inputs: [file, file, file] }, 2)).rejects.toMatchObject({
      status: 413,
      slug: "batch-too-large",
      detail: "3 inputs in one request; the limit is 2",
    });
  });

  it("a body is JSON or multipart, nothing else", () => {
    expect(chooseBody("application/json", { samples: [] }, {})).toEqual({
      kind: "json",
      json: { samples: [] },
    });
    expect(chooseBody("multipart/form-data; boundary=x", {}, { inputs: "a" }).kind).toBe("form");
    for (const contentType of [undefined, "text/plain", "application/json"]) {
      expect(problemOf(() => chooseBody(contentType, {}, {}))).toMatchObject({ status: 415 });
    }
  });

  // A media type's type and subtype are case-insensitive (RFC 9110 §8.3.1): these were 415 on
  // samples and predict, while every other JSON route took them.
  it.each([
    ["APPLICATION/JSON", "json"],
    ["Application/Json; charset=UTF-8", "json"],
    ["Multipart/Form-Data; boundary=x", "form"],
    ["MULTIPART/FORM-DATA; boundary=x", "form"],
  ])("reads %s as %s", (contentType, kind) => {
    expect(chooseBody(contentType, { samples: [] }, { inputs: "a" }).kind).toBe(kind);
  });

  it("goes by the media type, not by what its parameters mention", () => {
    const contentType = "text/plain; note=application/json";
    expect(problemOf(() => chooseBody(contentType, { samples: [] }, {}))).toMatchObject({
      status: 415,
    });
  });
});

describe("training readiness", () => {
  it("needs two labels and the minimum samples of each, naming both minimums", () => {
    const oneClass = problemOf(() =>
      assertTrainable({ total: 9, labels: [{ label: "a", count: 9 }] }),
    );
    expect(oneClass).toMatchObject({ status: 422, slug: "too-few-samples" });
    expect(oneClass.extensions).toMatchObject({ minimumClasses: 2, minimumSamplesPerClass: 3 });
    const few = problemOf(() =>
      assertTrainable({
        total: 5,
        labels: [
          { label: "a", count: 3 },
          { label: "b", count: 2 },
        ],
      }),
    );
    expect(few.detail).toContain('"b" (2)');
    expect(() =>
      assertTrainable({
        total: 6,
        labels: [
          { label: "a", count: 3 },
          { label: "b", count: 3 },
        ],
      }),
    ).not.toThrow();
  });
});
