/** Which selection `POST …/select/apply` applies when no job is named. */

import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";
import { recommendedTarget } from "../../../src/selection/switch-target";
import type { JobRecord } from "../../../src/storage/records";

const selection = (id: string, status: JobRecord["status"], backbone = "lexical") =>
  ({
    id,
    adapterId: "a_1",
    kind: "selection",
    status,
    report: status === "succeeded" ? { recommendation: { backbone, layer: "ngrams" } } : null,
  }) as unknown as JobRecord;

function refusal(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("the selection that apply takes", () => {
  it("is the newest finished one", () => {
    const jobs = [selection("j_2", "failed"), selection("j_1", "succeeded")];
    expect(recommendedTarget("a_1", jobs, undefined)).toMatchObject({
      backbone: "lexical",
      selectionJobId: "j_1",
    });
  });

  it("is none while a newer one runs: 409, naming it, not the older one's recommendation", () => {
    const jobs = [selection("j_2", "running"), selection("j_1", "succeeded")];
    const refused = refusal(() => recommendedTarget("a_1", jobs, undefined));
    expect(refused.status).toBe(409);
    expect(refused.detail).toContain("j_2");
    // Named, the older one is the target (the switch itself then waits its turn: 409 while a job runs).
    expect(recommendedTarget("a_1", jobs, "j_1").selectionJobId).toBe("j_1");
  });
});
