/** The console's location: adapter, tab and the Report tab's version, read back as written. */

import { describe, expect, it } from "vitest";
import { parseRoute, routeHash } from "../../../src/console/app/route";

describe("the console's route", () => {
  it("names the version of a report, and only of a report", () => {
    expect(parseRoute("#/adapters/a_1/report/12")).toEqual({
      adapterId: "a_1",
      tab: "Report",
      version: 12,
    });
    expect(parseRoute("#/adapters/a_1/report")).toMatchObject({ tab: "Report", version: null });
    expect(parseRoute("#/adapters/a_1/train/3")).toMatchObject({ tab: "Train", version: null });
    expect(routeHash({ adapterId: "a_1", tab: "Report", version: 12 })).toBe(
      "#/adapters/a_1/report/12",
    );
    expect(routeHash({ adapterId: "a_1", tab: "Versions", version: 12 })).toBe(
      "#/adapters/a_1/versions",
    );
  });

  it("reads any hash: a bad version is the serving one, an unknown tab Samples, a bad escape as written", () => {
    for (const hash of [
      "#/adapters/a_1/report/0",
      "#/adapters/a_1/report/-1",
      "#/adapters/a_1/report/1e3",
      "#/adapters/a_1/report/",
    ]) {
      expect(parseRoute(hash)).toEqual({ adapterId: "a_1", tab: "Report", version: null });
    }
    expect(parseRoute("#/adapters/a_1/bogus")).toEqual({
      adapterId: "a_1",
      tab: "Samples",
      version: null,
    });
    expect(parseRoute("#/adapters/%E0%A4%A/samples")).toEqual({
      adapterId: "%E0%A4%A",
      tab: "Samples",
      version: null,
    });
    expect(parseRoute("#/")).toEqual({ adapterId: null, tab: "Samples", version: null });
    expect(parseRoute("#/elsewhere")).toEqual({ adapterId: null, tab: "Samples", version: null });
    const route = { adapterId: "a b/c", tab: "Try it", version: null } as const;
    expect(parseRoute(routeHash(route))).toEqual(route);
  });
});
