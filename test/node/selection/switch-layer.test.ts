/** The layer a switch that names none lands on: the adapters' starting layer, or a finetune's top output. */

import { describe, expect, it } from "vitest";
import { BACKBONES } from "../../../models";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import { switchRequest } from "../../../src/selection/switch-target";
import type { AdapterRecord } from "../../../src/storage/records";

describe("a switch to a backbone without a layer", async () => {
  const pool = new BackbonePool(await nodeHost());
  const wide = BACKBONES["mobilenet-v2"]?.manifest;
  if (!wide) throw new Error("mobilenet-v2 is not registered");
  const adapter = (headType: AdapterRecord["headType"]): AdapterRecord => ({
    id: "a_test",
    name: "garments",
    backbone: "mobilenet-v2",
    backboneVersion: wide.version,
    weightsHash: wide.weightsHash,
    layer: "pooled",
    dim: wide.output.dim,
    blocks: null,
    headType,
    activeVersion: 1,
    createdAt: "2026-01-01T00:00:00Z",
  });
  const target = { backbone: "mobilenet-v2-100" };

  it("lands a logistic adapter on the layer adapters start on (the manifest's adapterLayer)", () => {
    const request = switchRequest(pool, adapter("logistic"), target, undefined);
    expect(request).toMatchObject({ backbone: "mobilenet-v2-100", layer: "block16-grid-2x2" });
    expect(request.dim).toBe(1280);
  });

  it("lands a finetune adapter on the layer its top ends in, where it can still train", () => {
    const request = switchRequest(pool, adapter("finetune"), target, undefined);
    expect(request).toMatchObject({ backbone: "mobilenet-v2-100", layer: "pooled", dim: 1280 });
  });
});
