/**
 * The image flow on the real mobilenet-v2 backbone: multipart files with labels (and one base64
 * sample in JSON), training, and a multipart prediction.
 */

import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../fixtures/pictures";
import { createTenant, fetchWorker, finishedJob } from "./client";

/** A picture dominated by one colour, with seeded speckles so no two are the same. */
function tinted(colour: [number, number, number], seed: number): Uint8Array {
  const width = 48;
  const height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const speckle = ((i * 7919 + seed * 104729) % 97) / 97 - 0.5;
    for (let c = 0; c < 3; c++)
      data[i * 3 + c] = Math.max(0, Math.min(255, (colour[c] ?? 0) + speckle * 60));
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

const RED: [number, number, number] = [220, 30, 30];
const BLUE: [number, number, number] = [30, 40, 220];

function imageForm(pictures: Uint8Array[], labels: string[]): FormData {
  const form = new FormData();
  for (const [index, png] of pictures.entries()) {
    form.append("inputs", new Blob([png], { type: "image/png" }), `${index}.png`);
  }
  for (const label of labels) form.append("labels", label);
  return form;
}

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
