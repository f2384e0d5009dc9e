/** The Selection tab's reading of a recommendation: whether the adapter is on it, and its reason. */

import { describe, expect, it } from "vitest";
import { isCurrentBinding, withTruthfulRounding } from "../../../src/console/app/recommendation";

describe("isCurrentBinding", () => {
  it("is the adapter's backbone and layer, and any layer of a fusion adapter's backbone id", () => {
    const adapter = { backbone: "use-lite", layer: "sentence" };
    expect(isCurrentBinding({ backbone: "use-lite", layer: "sentence" }, adapter)).toBe(true);
    expect(isCurrentBinding({ backbone: "use-lite", layer: "tokens" }, adapter)).toBe(false);
    expect(isCurrentBinding({ backbone: "lexical", layer: "sentence" }, adapter)).toBe(false);
    const fusion = { backbone: "use-lite:sentence+lexical:ngrams", layer: null };
    expect(isCurrentBinding({ ...fusion, layer: "fused" }, fusion)).toBe(true);
  });
});

describe("withTruthfulRounding", () => {
  const kept = (factor: string) =>
    `the current backbone stays: cross-validation cannot separate it from the leader (use-lite/sentence, macro-F1 0.9309; its macro-F1 0.9100), and LogME's evidence for use-lite/sentence over it is not strong (log Bayes factor ${factor}, under 3), so no candidate is clearly better`;

  it("says a factor rounded up to the threshold it is under as just under it", () => {
    expect(withTruthfulRounding(kept("3.0"))).toBe(
      kept("3.0").replace("log Bayes factor 3.0, under 3", "log Bayes factor just under 3"),
    );
  });

  it("leaves a factor its decimal shows under the threshold, and every other reason, as they are", () => {
    for (const factor of ["2.9", "0.4", "-1.2"]) {
      expect(withTruthfulRounding(kept(factor))).toBe(kept(factor));
    }
    const decided =
      "cross-validation decided: the highest cross-validated macro-F1 0.9500, and the folds separate it from every other candidate";
    expect(withTruthfulRounding(decided)).toBe(decided);
  });
});
