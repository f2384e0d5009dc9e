/** RFC 9457 problem details: the standard members say what the response is, whatever the extensions. */

import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";

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
