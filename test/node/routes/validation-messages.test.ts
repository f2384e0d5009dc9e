/** A size out of bounds is said in plain words, with the bound; a schema's own message is kept. */

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";
import { NewTenantSchema } from "../../../src/routes/admin";
import { FormSamplesSchema } from "../../../src/routes/sample-inputs";
import { plainMessage, validationProblem } from "../../../src/routes/validation";

function messages(schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map(plainMessage);
}

describe("validation messages", () => {
  it("says a size out of bounds plainly", () => {
    expect(messages(NewTenantSchema, { name: "" })).toEqual(["must not be empty"]);
    // One message, with the limit and what was given.
    expect(messages(NewTenantSchema, { name: "x".repeat(300) })).toEqual([
      expect.stringMatching(/^at most \d+ characters \(300 given\)$/),
    ]);
    // Characters are code points: as many emoji as letters.
    const name = (count: number) => ({ name: "😀".repeat(count) });
    expect(messages(NewTenantSchema, name(100))).toEqual([]);
    expect(messages(NewTenantSchema, name(200))).toEqual([
      expect.stringMatching(/^at most \d+ characters/),
    ]);
    expect(messages(z.array(z.string()).min(2).max(3), ["a"])).toEqual(["at least 2 items"]);
    expect(messages(z.array(z.string()).min(1), [])).toEqual([
      "must not be empty: give at least 1 item",
    ]);
    expect(messages(z.number().max(10), 11)).toEqual(["must be at most 10"]);
    expect(messages(z.number().positive(), 0)).toEqual(["must be more than 0"]);
  });

  it("says a field left out is required (zod said 'expected string, received undefined')", () => {
    expect(messages(z.object({ label: z.string() }), {})).toEqual(["required (expected string)"]);
    expect(messages(z.object({ n: z.number() }), { n: "1" })).toEqual([
      "Invalid input: expected number, received string",
    ]);
  });

  it("says a multipart form without inputs misses them (the union said 'Invalid input')", () => {
    expect(messages(FormSamplesSchema, { label: "cat" })).toEqual([
      'missing: send at least one "inputs" field (a file, or a text value)',
    ]);
  });

  it("keeps a message the schema wrote", () => {
    expect(messages(z.string().max(2, "two letters, an ISO code"), "abc")).toEqual([
      "two letters, an ISO code",
    ]);
  });
});

describe("query parameters through the hook", () => {
  const app = new OpenAPIHono({ defaultHook: validationProblem }).openapi(
    createRoute({
      method: "get",
      path: "/export",
      request: { query: z.strictObject({ format: z.enum(["json", "onnx"]) }) },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.text("ok"),
  );
  app.onError((error, c) =>
    error instanceof Problem ? c.json({ detail: error.detail }, 422) : c.text("?", 500),
  );

  const detailOf = async (query: string) =>
    ((await (await app.request(`/export${query}`)).json()) as { detail: string }).detail;

  // zod says "Invalid option" for a value left out as for a wrong one.
  it("says an option left out is required, naming the options", async () => {
    expect(await detailOf("")).toBe('format: required (one of "json", "onnx")');
    expect(await detailOf("?format=xml")).toMatch(/^format: Invalid option/);
    expect(await detailOf("?format=json&format=onnx")).toBe("format: given 2 times: give it once");
  });
});
