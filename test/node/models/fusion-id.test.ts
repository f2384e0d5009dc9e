/** Reading a fusion id: `<backbone>[:<layer>]+<backbone>[:<layer>]`. */

import { describe, expect, it } from "vitest";
import { parseFusionId } from "../../../models/fusion";

describe("parseFusionId", () => {
  it("reads each part's backbone and optional layer", () => {
    expect(parseFusionId("lexical+use-lite:encoder-mean")).toEqual([
      { backbone: "lexical" },
      { backbone: "use-lite", layer: "encoder-mean" },
    ]);
  });

  it("refuses a selection candidate's id, saying how to write it", () => {
    expect(() => parseFusionId("mobilenet-v2/block12+mobilenet-v2/block16-grid")).toThrow(
      expect.objectContaining({
        code: "invalid-fusion",
        message: expect.stringContaining("write <backbone>:<layer>"),
      }),
    );
  });
});
