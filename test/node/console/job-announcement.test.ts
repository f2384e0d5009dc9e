/** A job's live region: short, and rate-limited but for the turns that matter. */

import { describe, expect, it } from "vitest";
import {
  ANNOUNCE_EVERY_MS,
  type Announcement,
  type JobState,
  nextAnnouncement,
} from "../../../src/console/app/job-announcement";

const running = (fraction: number, stage: string | null = "training"): JobState => ({
  status: "running",
  stage,
  fraction,
  ended: false,
  unreachable: false,
});

describe("nextAnnouncement", () => {
  it("says the status, stage and percentage in steps of 10, not the progress message", () => {
    expect(nextAnnouncement(null, running(0.47), 0)?.text).toBe("running training 40%");
    expect(nextAnnouncement(null, running(0.999, null), 0)?.text).toBe("running 90%");
    expect(nextAnnouncement(null, { ...running(0), status: "queued" }, 0)?.text).toBe("queued");
  });

  it("says progress at most once every 5 s, and nothing while the step is the same", () => {
    const first = nextAnnouncement(null, running(0.1), 0) as Announcement;
    expect(nextAnnouncement(first, running(0.15), 10_000)).toBeNull();
    expect(nextAnnouncement(first, running(0.35), ANNOUNCE_EVERY_MS - 1)).toBeNull();
    expect(nextAnnouncement(first, running(0.35), ANNOUNCE_EVERY_MS)?.text).toBe(
      "running training 30%",
    );
  });

  it("says a new stage, the end and a silent server at once", () => {
    const first = nextAnnouncement(null, running(0.5), 0) as Announcement;
    expect(nextAnnouncement(first, running(0.6, "evaluating"), 1)?.text).toBe(
      "running evaluating 60%",
    );
    const end = { ...running(0.6), status: "succeeded", ended: true };
    expect(nextAnnouncement(first, end, 1)?.text).toBe("succeeded");
    const silent = { ...running(0.5), unreachable: true };
    expect(nextAnnouncement(first, silent, 1)?.text).toBe(
      "no answer from the server: trying again",
    );
    // The end is said even while the server was silent.
    expect(nextAnnouncement(first, { ...end, unreachable: true }, 1)?.text).toBe("succeeded");
  });
});
