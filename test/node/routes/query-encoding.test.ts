/**
 * A query that is not percent-encoded UTF-8 is a 400. Hono reads such a value as its raw text:
 * `DELETE …/samples?label=%FF` deleted the label literally named "%FF", and a lone surrogate's bytes
 * (`%ED%A0%80`), which the README refuses in a label, were taken as a label name.
 */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { undecodableParameter } from "../../../src/routes/query-encoding";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";

describe("query strings", () => {
  it.each([
    ["label=%FF", "label=%FF"],
    ["limit=2&label=%ED%A0%80", "label=%ED%A0%80"],
    ["label=caf%E9", "label=caf%E9"],
    ["label=%", "label=%"],
    ["%zz=1", "%zz=1"],
  ])("finds the undecodable parameter of %s", (query, bad) => {
    expect(undecodableParameter(query)).toBe(bad);
  });

  it.each(["", "label=caf%C3%A9", "label=a+b&limit=5", "label=%25FF", "cursor=abc_-"])(
    "takes %j",
    (query) => {
      expect(undecodableParameter(query)).toBeUndefined();
    },
  );

  it("answers 400 problem+json before the route runs", async () => {
    const pool = new BackbonePool(await nodeHost());
    const app = createApp(() => pool);
    const response = await app.request("http://edge/v1/adapters/a_1/samples?label=%FF", {
      method: "DELETE",
      headers: { authorization: "Bearer not-a-key" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      type: "/problems/malformed-request",
      detail: expect.stringContaining('"label"'),
    });
  });
});
