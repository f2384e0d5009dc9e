/** The Selection tab's reading of a recommendation: whether the adapter is on it. */

import { describe, expect, it } from "vitest";
import { isCurrentBinding } from "../../../src/console/app/recommendation";

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
