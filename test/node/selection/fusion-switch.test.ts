/** Applying a selection's fusion: the switch request it makes, and the targets it refuses (no backbone runs). */

import { describe, expect, it } from "vitest";
import { BACKBONES } from "../../../models";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import { switchRequest } from "../../../src/selection/switch-target";
import type { AdapterRecord } from "../../../src/storage/records";

describe("switching to a fusion", async () => {
  const pool = new BackbonePool(await nodeHost());
  const useLite = BACKBONES["use-lite"]?.manifest;
  const lexical = BACKBONES.lexical?.manifest;
  if (!useLite || !lexical) throw new Error("text backbones are not registered");
  const onUseLite: AdapterRecord = {
    id: "a_test",
    name: "topics",
    backbone: "use-lite",
    backboneVersion: useLite.version,
    weightsHash: useLite.weightsHash,
    layer: "sentence",
    dim: useLite.output.dim,
    blocks: null,
    headType: "logistic",
    activeVersion: 1,
    createdAt: "2026-01-01T00:00:00Z",
  };

  it("binds the recommendation's fusion, its layers named as the report names them", () => {
    const request = switchRequest(
      pool,
      onUseLite,
      { backbone: "lexical+use-lite", layer: "ngrams+sentence", selectionJobId: "j_1" },
      7,
    );
    expect(request).toEqual({
      backbone: "lexical+use-lite",
      backboneVersion: `${lexical.version}+${useLite.version}`,
      weightsHash: `${lexical.weightsHash}+${useLite.weightsHash}`,
      layer: null,
      dim: lexical.output.dim + useLite.output.dim,
      blocks: [lexical.output.dim, useLite.output.dim],
      seed: 7,
      selectionJobId: "j_1",
    });
  });

  it("refuses other layers, another modality, and the fusion the adapter is on", () => {
    const problem = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as { status: number; type: string };
      }
      throw new Error("not refused");
    };
    expect(
      problem(() =>
        switchRequest(
          pool,
          onUseLite,
          { backbone: "lexical+use-lite", layer: "ngrams" },
          undefined,
        ),
      ),
    ).toMatchObject({ status: 422 });
    expect(
      problem(() =>
        switchRequest(
          pool,
          onUseLite,
          { backbone: "mobilenet-v2+mobilenet-v2:block12" },
          undefined,
        ),
      ),
    ).toMatchObject({ status: 422 });
    const onFusion = {
      ...onUseLite,
      ...switchRequest(pool, onUseLite, { backbone: "lexical+use-lite" }, undefined),
    };
    expect(
      problem(() =>
        switchRequest(pool, onFusion as AdapterRecord, { backbone: "lexical+use-lite" }, undefined),
      ),
    ).toMatchObject({ status: 409 });
  });
});
