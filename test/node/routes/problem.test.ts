/** RFC 9457 problem details: the standard members say what the response is, whatever the extensions. */

import { describe, expect, it } from "vitest";
import { echoId, Problem } from "../../../src/problem";

describe("Problem", () => {
  it("keeps its standard members when an extension has the same name", () => {
    const problem = new Problem(409, "job-finished", "job has already cancelled", {
      status: "cancelled",
      type: "elsewhere",
      title: "other",
      detail: "other",
      jobStatus: "cancelled",
    });
    expect(problem.toJSON()).toEqual({
      type: "/problems/job-finished",
      title: "job finished",
      status: 409,
      detail: "job has already cancelled",
      jobStatus: "cancelled",
    });
  });
});

describe("echoId", () => {
  // A 404 repeated `abc‮def` as sent, which displays as "abcfed".
  it("writes characters that reorder or hide text as escapes", () => {
    expect(echoId("abc\u202edef")).toBe('"abc\\u202edef"');
    expect(echoId("a\u200bb\u{e0001}")).toBe('"a\\u200bb\\u{e0001}"');
    expect(echoId("a_1f5206dc")).toBe('"a_1f5206dc"');
    expect(echoId("👩‍💻")).toBe('"👩\\u200d💻"');
  });
});
