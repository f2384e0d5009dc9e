/**
 * The image flow on the real mobilenet-v2 backbone: multipart files with labels (and one base64
 * sample in JSON), training, and a multipart prediction.
 */

import { describe, expect, it } from "vitest";
import { toBase64 } from "../../fixtures/pictures";
import { createTenant, fetchWorker, finishedJob } from "./client";
import { BLUE, imageForm, RED, tinted } from "./pictures";

describe("image adapter flow", () => {
  it("trains on multipart uploads and predicts from a multipart file", async () => {
    const tenant = await createTenant("pictures");
    const authorization = `Bearer ${tenant.key}`;
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "colours", backbone: "mobilenet-v2", headType: "prototype" },
    });
    const adapterId = (await created.json()).id;
    const url = (path: string) => `http://edge/v1/adapters/${adapterId}${path}`;

    const seeds = [1, 2, 3];
    const pictures = [
      ...seeds.map((seed) => tinted(RED, seed)),
      ...seeds.map((seed) => tinted(BLUE, seed)),
    ];
    const labels = [...seeds.map(() => "red"), ...seeds.map(() => "blue")];
    const upload = await fetchWorker(url("/samples"), {
      method: "POST",
      headers: { authorization },
      body: imageForm(pictures, labels),
    });
    expect(upload.status).toBe(201);
    expect(await upload.json()).toMatchObject({ added: 6 });

    const base64 = await fetchWorker(url("/samples"), {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({
        samples: [{ input: { image: toBase64(tinted(RED, 4)) }, label: "red" }],
      }),
    });
    expect(await base64.json()).toMatchObject({ added: 1, counts: { total: 7 } });

    const started = await tenant.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId },
      json: {},
    });
    expect(await finishedJob(tenant, (await started.json()).id)).toMatchObject({
      status: "succeeded",
      version: 1,
    });

    const form = new FormData();
    form.append("inputs", new Blob([tinted(BLUE, 9)], { type: "image/png" }), "query.png");
    const predicted = await fetchWorker(url("/predict"), {
      method: "POST",
      headers: { authorization },
      body: form,
    });
    expect(predicted.status).toBe(200);
    expect(await predicted.json()).toMatchObject({
      version: 1,
      backbone: { id: "mobilenet-v2" },
      predictions: [{ label: "blue" }],
    });
  });
});
