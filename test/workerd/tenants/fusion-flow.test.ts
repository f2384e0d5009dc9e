/**
 * A text adapter on the fusion lexical+use-lite, end to end: create → upload → train → predict, the
 * stored head balancing two blocks; and fusion specs the API must refuse with a 4xx.
 */

import { describe, expect, it } from "vitest";
import { deserializeHead } from "../../../adapters";
import { headKey, readHeadBytes } from "../../../src/storage/heads";
import { bindings, createTenant, finishedJob, jsonOnly, uploadTexts } from "./client";
import { COOKING, labelled, WEATHER } from "./texts";

describe("fusion adapter", () => {
  it("trains on both backbones' embeddings and predicts with both", async () => {
    const tenant = await createTenant("fusion");
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "fused topics", backbone: "lexical+use-lite" },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const adapter = await created.json();
    expect(adapter).toMatchObject({ backbone: "lexical+use-lite", layer: null });
    expect(adapter.blocks).toHaveLength(2);
    const [lexicalDim, useDim] = adapter.blocks as [number, number];
    expect(adapter.dim).toBe(lexicalDim + useDim);
    expect(adapter.weightsHash).toMatch(/^[0-9a-f]{64}\+[0-9a-f]{64}$/);
    const params = { param: { adapterId: adapter.id } };

    const upload = await uploadTexts(tenant, adapter.id, [
      ...labelled(WEATHER, "weather"),
      ...labelled(COOKING, "cooking"),
    ]);
    expect(upload.status, await upload.clone().text()).toBe(201);

    const started = await tenant.api.v1.adapters[":adapterId"].train.$post({
      ...params,
      json: { seed: 1 },
    });
    expect(started.status).toBe(202);
    const job = await finishedJob(tenant, (await started.json()).id);
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");

    const bytes = await readHeadBytes(bindings.HEADS, headKey(tenant.id, adapter.id, 1));
    const head = deserializeHead(bytes as Uint8Array, {
      id: "lexical+use-lite",
      weightsHash: adapter.weightsHash,
      dim: adapter.dim,
    });
    expect(head.backbone.blocks).toEqual([lexicalDim, useDim]);

    const predicted = await tenant.api.v1.adapters[":adapterId"].predict.$post({
      ...params,
      query: {},
      ...jsonOnly({
        inputs: ["Thunderstorms and heavy rain tonight.", "Stir the sauce and add salt."],
      }),
    });
    expect(predicted.status, await predicted.clone().text()).toBe(200);
    const body = await predicted.json();
    expect(body.backbone.id).toBe("lexical+use-lite");
    expect(body.predictions.map((p) => p.label)).toEqual(["weather", "cooking"]);

    const listed = await (await tenant.api.v1.adapters.$get({ query: {} })).json();
    expect(listed.adapters[0]).toMatchObject({
      backbone: "lexical+use-lite",
      blocks: [lexicalDim, useDim],
    });
  });

  it("refuses fusions it cannot serve with a problem", async () => {
    const tenant = await createTenant("bad-fusions");
    const refused = {
      "lexical+lexical": 422, // the same block twice
      "use-lite+mobilenet-v2": 422, // text and images
      "lexical+use-lite+lexical": 422, // three parts
      "lexical+": 422, // an empty part
      "lexical:nope+use-lite": 422, // no such layer
      "lexical+no-such-backbone": 404,
    };
    for (const [backbone, status] of Object.entries(refused)) {
      const response = await tenant.api.v1.adapters.$post({ json: { name: "bad", backbone } });
      expect(response.status, backbone).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
    const listed = await (await tenant.api.v1.adapters.$get({ query: {} })).json();
    expect(listed.adapters).toHaveLength(0);
  });
});
