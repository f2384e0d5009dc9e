/**
 * What the load needs on the server, set up through the public API: a serving tenant with a trained
 * text adapter (use-lite) and a trained image adapter (mobilenet-v2), and a training tenant whose
 * use-lite adapter holds 200 samples for the long training.
 */

import { LIMITS } from "../../src/limits";
import { picturePng, toBase64 } from "../../test/fixtures/pictures";
import { BenchApi, type TenantAdapter } from "../tenants/api";
import { benchTexts } from "../tenants/texts";
import { type LoadTargets, PICTURE_SIDE } from "./requests";

/** Per label: above the API's minimum of 3, so every split part holds more than one. */
const PICTURES_PER_LABEL = 4;

export interface LoadSetup {
  readonly api: BenchApi;
  readonly targets: LoadTargets;
  readonly training: TenantAdapter;
}

export async function setUpLoad(url: string): Promise<LoadSetup> {
  const api = new BenchApi(url);
  const texts = benchTexts();
  const text = await api.createTenantAdapter("load-serving");
  await api.upload(text, texts.fleet);
  await api.train(text);
  const image = await imageAdapter(api, text);
  await api.train(image);

  const training = await api.createTenantAdapter("load-training");
  await api.upload(training, texts.twoHundred);
  return { api, targets: { url, text, image, probe: texts.probe }, training };
}

/** An image adapter of the serving tenant, with two labels of synthetic pictures. */
async function imageAdapter(api: BenchApi, tenant: TenantAdapter): Promise<TenantAdapter> {
  const auth = `Bearer ${tenant.key}`;
  const { id } = await api.json<{ id: string }>("POST", "/v1/adapters", auth, {
    name: "pictures",
    backbone: "mobilenet-v2",
    headType: "prototype",
  });
  const samples = Array.from({ length: 2 * PICTURES_PER_LABEL }, (_, seed) => ({
    input: { image: toBase64(picturePng(PICTURE_SIDE, PICTURE_SIDE, seed)) },
    label: seed % 2 === 0 ? "even" : "odd",
  }));
  // Within the per-request pixel budget (src/limits.ts): a few model-sized pictures per request.
  const perRequest = Math.max(1, Math.floor(LIMITS.maxRequestPixels / PICTURE_SIDE ** 2));
  for (let start = 0; start < samples.length; start += perRequest) {
    const batch = samples.slice(start, start + perRequest);
    await api.json("POST", `/v1/adapters/${id}/samples`, auth, { samples: batch });
  }
  return { ...tenant, adapterId: id };
}
