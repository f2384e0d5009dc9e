/**
 * Every kind of bad request gets a 4xx problem with a stable type, and none of them changes the
 * stored samples or the serving head.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { picturePng, toBase64 } from "../../fixtures/pictures";
import {
  admin,
  bindings,
  createTenant,
  createTextAdapter,
  fetchWorker,
  finishedJob,
  jsonOnly,
  type TestTenant,
  uploadTexts,
} from "./client";
import { COOKING, FINANCE, labelled, WEATHER } from "./texts";

let tenant: TestTenant;
let other: TestTenant;
let revokedKey: string;
let textAdapter: string;
let imageAdapter: string;
let oneClassAdapter: string;
let fewSamplesAdapter: string;
let otherJob: string;

beforeAll(async () => {
  tenant = await createTenant("careful");
  other = await createTenant("other");
  textAdapter = await createTextAdapter(tenant);
  await uploadTexts(tenant, textAdapter, [
    ...labelled(WEATHER, "weather"),
    ...labelled(COOKING, "cooking"),
  ]);
  const trained = await tenant.api.v1.adapters[":adapterId"].train.$post({
    param: { adapterId: textAdapter },
    json: {},
  });
  await finishedJob(tenant, (await trained.json()).id);

  const image = await tenant.api.v1.adapters.$post({
    json: { name: "pictures", backbone: "mobilenet-v2" },
  });
  imageAdapter = (await image.json()).id;
  oneClassAdapter = await createTextAdapter(tenant, "one class");
  await uploadTexts(tenant, oneClassAdapter, labelled(FINANCE, "finance"));
  fewSamplesAdapter = await createTextAdapter(tenant, "few samples");
  await uploadTexts(tenant, fewSamplesAdapter, [
    ...labelled(FINANCE, "finance"),
    ...labelled(COOKING.slice(0, 2), "cooking"),
  ]);

  const otherAdapter = await createTextAdapter(other);
  await uploadTexts(other, otherAdapter, [
    ...labelled(WEATHER, "weather"),
    ...labelled(FINANCE, "finance"),
  ]);
  const otherTraining = await other.api.v1.adapters[":adapterId"].train.$post({
    param: { adapterId: otherAdapter },
    json: {},
  });
  otherJob = (await otherTraining.json()).id;

  const spare = await admin.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: tenant.id } });
  const issued = await spare.json();
  revokedKey = issued.key;
  await admin.v1.tenants[":tenantId"].keys[":keyId"].$delete({
    param: { tenantId: tenant.id, keyId: issued.id },
  });
});

function raw(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${init.key ?? tenant.key}`);
  return fetchWorker(`http://edge/v1${path}`, { ...init, headers });
}

function postJson(path: string, body: unknown): Promise<Response> {
  return raw(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const samples = (adapterId: string) => `/adapters/${adapterId}/samples`;
const text = (input: string, label = "weather") => ({ samples: [{ input, label }] });
const png = picturePng(32, 32, 3);

/** Two trainings started together: the second must be refused while the first runs. */
async function concurrentTraining(): Promise<Response> {
  const start = () => postJson(`/adapters/${textAdapter}/train`, { seed: 7 });
  const responses = await Promise.all([start(), start()]);
  const accepted = responses.find((response) => response.status === 202);
  const refused = responses.find((response) => response.status !== 202) as Response;
  const body = (await refused.clone().json()) as { jobId: string };
  const job = (await accepted?.json()) as { id: string };
  expect(body.jobId).toBe(job.id);
  await finishedJob(tenant, body.jobId);
  return refused;
}

/** Deleting an adapter while it trains is refused, naming the job. */
async function deleteWhileTraining(): Promise<Response> {
  const started = await postJson(`/adapters/${textAdapter}/train`, { seed: 8 });
  const job = (await started.json()) as { id: string };
  const refused = await raw(`/adapters/${textAdapter}`, { method: "DELETE" });
  expect(await refused.clone().json()).toMatchObject({ jobId: job.id });
  await finishedJob(tenant, job.id);
  return refused;
}

const cases: [string, () => Promise<Response>, number, string][] = [
  ["missing key", () => fetchWorker("http://edge/v1/adapters"), 401, "unauthorized"],
  [
    "wrong key",
    () => raw("/adapters", { key: `eak_${tenant.id}_${"A".repeat(43)}` }),
    401,
    "unauthorized",
  ],
  ["revoked key", () => raw("/adapters", { key: revokedKey }), 401, "unauthorized"],
  ["not a key at all", () => raw("/adapters", { key: "let-me-in" }), 401, "unauthorized"],
  ["tenant key on an admin route", () => raw("/tenants"), 401, "unauthorized"],
  ["wrong admin token", () => raw("/tenants", { key: "dev-admin-tokeN" }), 401, "unauthorized"],
  [
    "another tenant's adapter",
    () => raw(`/adapters/${textAdapter}`, { key: other.key }),
    404,
    "adapter-not-found",
  ],
  [
    "predicting with another tenant's adapter",
    () =>
      raw(`/adapters/${textAdapter}/predict`, {
        key: other.key,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ inputs: ["Sunny later."] }),
      }),
    404,
    "adapter-not-found",
  ],
  [
    "predicting with a revoked key",
    () => raw(`/adapters/${textAdapter}/predict`, { key: revokedKey, method: "POST" }),
    401,
    "unauthorized",
  ],
  ["another tenant's job", () => raw(`/jobs/${otherJob}`), 404, "job-not-found"],
  [
    "unknown version",
    () => raw(`/adapters/${textAdapter}/versions/9/activate`, { method: "POST" }),
    404,
    "version-not-found",
  ],
  [
    // workerd's FormData reads a value's bytes that are not UTF-8 as U+FFFD: it was stored so.
    "a multipart text value that is not UTF-8",
    () => {
      const part = (name: string, value: number[]) => [
        ...new TextEncoder().encode(
          `--b\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`,
        ),
        ...value,
        13,
        10,
      ];
      const latin1Cafe = [...new TextEncoder().encode("caf"), 0xe9, 0x20, 0x61, 0x75];
      const body = new Uint8Array([
        ...part("inputs", latin1Cafe),
        ...part("label", [...new TextEncoder().encode("weather")]),
        ...new TextEncoder().encode("--b--\r\n"),
      ]);
      return raw(samples(textAdapter), {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=b" },
        body,
      });
    },
    422,
    "invalid-text",
  ],
  [
    "malformed JSON",
    () =>
      raw("/adapters", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name": ',
      }),
    400,
    "malformed-request",
  ],
  [
    "wrong types",
    () => postJson("/adapters", { name: 42, backbone: ["use-lite"] }),
    422,
    "invalid-request",
  ],
  [
    "unknown backbone",
    () => postJson("/adapters", { name: "x", backbone: "resnet-9000" }),
    404,
    "unknown-backbone",
  ],
  [
    // Its weights take ~107 MiB while loading: listed by GET /v1/backbones as unavailable here.
    "a backbone a 128 MB isolate cannot serve",
    () => postJson("/adapters", { name: "x", backbone: "inception-v3" }),
    422,
    "backbone-unavailable",
  ],
  [
    // /v1/embed once loaded it all the same: a 298 MB wasm heap in the isolate.
    "an embedding with a backbone a 128 MB isolate cannot serve",
    () => postJson("/embed", { backbone: "inception-v3", inputs: [{ image: toBase64(png) }] }),
    422,
    "backbone-unavailable",
  ],
  [
    // A layer was once dropped from the body, so any name made an adapter at the default output.
    "unknown cut layer",
    () => postJson("/adapters", { name: "x", backbone: "mobilenet-v2", layer: "toString" }),
    422,
    "unknown-layer",
  ],
  [
    "unknown head type",
    () => postJson("/adapters", { name: "x", backbone: "use-lite", headType: "forest" }),
    422,
    "invalid-request",
  ],
  [
    "text as plain text",
    () => raw(samples(textAdapter), { method: "POST", body: "hello" }),
    415,
    "unsupported-media-type",
  ],
  [
    "image for a text adapter",
    () =>
      postJson(samples(textAdapter), {
        samples: [{ input: { image: toBase64(png) }, label: "x" }],
      }),
    422,
    "wrong-modality",
  ],
  [
    "text for an image adapter",
    () => postJson(samples(imageAdapter), text("a cat")),
    422,
    "wrong-modality",
  ],
  [
    "corrupt image",
    () =>
      postJson(samples(imageAdapter), {
        samples: [{ input: { image: toBase64(png.slice(0, 60)) }, label: "x" }],
      }),
    422,
    "corrupt-image",
  ],
  [
    "reserved label",
    () => postJson(samples(textAdapter), text("Light drizzle.", "unknown")),
    422,
    "invalid-request",
  ],
  [
    "too-long label",
    () => postJson(samples(textAdapter), text("Light drizzle.", "x".repeat(129))),
    422,
    "invalid-request",
  ],
  [
    "too many samples in one request",
    () =>
      postJson(samples(textAdapter), {
        samples: Array.from({ length: 65 }, (_, i) => ({ input: `note ${i}`, label: "x" })),
      }),
    413,
    "batch-too-large",
  ],
  [
    // zod checked every item first, and overflowed its stack gathering 150,000 issues (a 500).
    "150,000 wrongly typed samples in one request",
    () => postJson(samples(textAdapter), { samples: Array(150_000).fill(1) }),
    413,
    "batch-too-large",
  ],
  [
    "150,000 wrongly typed inputs to predict",
    () => postJson(`/adapters/${textAdapter}/predict`, { inputs: Array(150_000).fill(1) }),
    413,
    "batch-too-large",
  ],
  [
    "an upload with an empty body labelled JSON",
    () =>
      raw(samples(textAdapter), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "",
      }),
    400,
    "malformed-request",
  ],
  [
    "a text that shows nothing (zero-width space, soft hyphen)",
    () => postJson(samples(textAdapter), text("\u200b\u00ad", "x")),
    422,
    "empty-text",
  ],
  [
    "training one class",
    () => postJson(`/adapters/${oneClassAdapter}/train`, {}),
    422,
    "too-few-samples",
  ],
  [
    // An optional body left empty is none, though a client labelled it JSON (not 400 malformed).
    "training one class, with an empty body labelled JSON",
    () =>
      raw(`/adapters/${oneClassAdapter}/train`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "",
      }),
    422,
    "too-few-samples",
  ],
  [
    "training too few samples",
    () => postJson(`/adapters/${fewSamplesAdapter}/train`, {}),
    422,
    "too-few-samples",
  ],
  [
    "predict before training",
    () => postJson(`/adapters/${oneClassAdapter}/predict`, { inputs: ["x"] }),
    409,
    "no-active-head",
  ],
  ["concurrent training", concurrentTraining, 409, "training-in-progress"],
  ["deleting an adapter while it trains", deleteWhileTraining, 409, "training-in-progress"],
];

describe("bad input", () => {
  const named = cases.map(([name, send, status, slug]) => ({ name, send, status, slug }));
  it.each(named)("$name → $status $slug", async ({ send, status, slug }) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: `/problems/${slug}`, status });
  });

  it("names the minimum when there is too little to train on", async () => {
    const oneClass = await (await postJson(`/adapters/${oneClassAdapter}/train`, {})).json();
    expect(oneClass).toMatchObject({ minimumClasses: 2, minimumSamplesPerClass: 3 });
    const few = (await (await postJson(`/adapters/${fewSamplesAdapter}/train`, {})).json()) as {
      detail: string;
    };
    expect(few.detail).toContain('"cooking" (2)');
    // Three uploads lexical cannot tell apart (case only) are one sample to the protocol: refused
    // when asked, not failed once queued.
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "case variants", backbone: "lexical" },
    });
    const alike = (await created.json()).id;
    const stored = await uploadTexts(tenant, alike, [
      ...labelled(FINANCE, "finance"),
      ...labelled(["stir the soup", "Stir The Soup", "STIR THE SOUP"], "cooking"),
    ]);
    expect((await stored.json()).added).toBe(FINANCE.length + 3);
    const response = await postJson(`/adapters/${alike}/train`, {});
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      type: "/problems/too-few-samples",
      detail: expect.stringContaining('"cooking" (1)'),
    });
    // One text under two labels (lexical cannot tell the copies apart) is kept under one of them,
    // as the protocol keeps the first copy: with 3 each, the other label is short, refused now.
    const shared = await tenant.api.v1.adapters.$post({
      json: { name: "shared text", backbone: "lexical" },
    });
    const sharedId = (await shared.json()).id;
    await uploadTexts(tenant, sharedId, [
      ...labelled(["a late goal", "the match ended", "same text here"], "sport"),
      ...labelled(["stir the soup", "bake the bread", "SAME  Text here"], "cooking"),
    ]);
    const sharedTraining = await postJson(`/adapters/${sharedId}/train`, {});
    expect(sharedTraining.status).toBe(422);
    expect(await sharedTraining.json()).toMatchObject({
      type: "/problems/too-few-samples",
      detail: expect.stringMatching(/"(sport|cooking)" \(2\)/),
    });
  });

  it("binds a new adapter to the cut layer it names", async () => {
    const created = await postJson("/adapters", {
      name: "mid-layer",
      backbone: "mobilenet-v2",
      layer: "block12",
    });
    expect(created.status).toBe(201);
    const adapter = (await created.json()) as { layer: string; dim: number };
    // Naming none: the layer the manifest starts adapters on (adapterLayer), 1,792-d like pooled.
    const unnamed = await (
      await postJson("/adapters", { name: "unnamed", backbone: "mobilenet-v2" })
    ).json();
    expect(adapter.layer).toBe("block12");
    expect(unnamed).toMatchObject({ layer: "block16-grid-2x2", dim: 1792 });
    expect(adapter.dim).not.toBe(1792);
  });

  it("refuses a label flood with the limit named, keeping what was stored and no more", async () => {
    const adapterId = await createTextAdapter(tenant, "flood");
    const batch = (start: number) =>
      Array.from({ length: 64 }, (_, i): [string, string] => [
        `sample ${start + i}`,
        `label-${start + i}`,
      ]);
    for (const start of [0, 64, 128, 192])
      expect((await uploadTexts(tenant, adapterId, batch(start))).status).toBe(201);
    const flood = await uploadTexts(tenant, adapterId, batch(256));
    expect(flood.status).toBe(422);
    expect(await flood.json()).toMatchObject({
      type: "/problems/limit-exceeded",
      limit: "labelsPerAdapter",
      max: 256,
    });
    const counts = await (
      await tenant.api.v1.adapters[":adapterId"].samples.$get({ param: { adapterId }, query: {} })
    ).json();
    expect(counts.total).toBe(256);
    // The refused batch's raw uploads were removed from R2 again.
    const raw = await bindings.SAMPLES.list({ prefix: `samples/${tenant.id}/${adapterId}/` });
    expect(raw.objects).toHaveLength(256);
  });

  it("refuses a switch, a wide MLP and an upload that a training could not hold within 128 MB, naming the limit", async () => {
    // 90 labels × 3 samples on lexical (4,096 dimensions): 4,096 × (270 + 18 × 90) values, under 2²³.
    const lexical = await tenant.api.v1.adapters.$post({
      json: { name: "many topics", backbone: "lexical" },
    });
    const adapterId = (await lexical.json()).id;
    const samples = Array.from({ length: 270 }, (_, i): [string, string] => [
      `text ${i} about topic ${i % 90}`,
      `topic-${i % 90}`,
    ]);
    for (let start = 0; start < samples.length; start += 64)
      expect((await uploadTexts(tenant, adapterId, samples.slice(start, start + 64))).status).toBe(
        201,
      );

    // At lexical+use-lite's 4,608 dimensions the same samples would be over it.
    const switched = await fetchWorker(`http://edge/v1/adapters/${adapterId}/select/apply`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
      body: JSON.stringify({ backbone: "lexical+use-lite" }),
    });
    expect(switched.status).toBe(422);
    expect(switched.headers.get("content-type")).toBe("application/problem+json");
    expect(await switched.json()).toMatchObject({
      type: "/problems/limit-exceeded",
      limit: "trainingValues",
      max: 2 ** 23,
      dimension: 4608,
      samples: 270,
      labels: 90,
    });

    // An MLP's hidden units count: 4,096 × (270 + 18 × 90 + 4 × 1,024) values.
    const wide = await tenant.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId },
      json: { headType: "mlp", hyperparameters: { hiddenUnits: 1024 } },
    });
    expect(wide.status).toBe(422);
    expect(await wide.json()).toMatchObject({
      limit: "trainingValues",
      values: 4096 * (270 + 18 * 90 + 4 * 1024),
      hiddenUnits: 1024,
    });

    const moreTopics = Array.from({ length: 64 }, (_, i): [string, string] => [
      `text about a new topic ${i}`,
      `new-topic-${i}`,
    ]);
    const over = await uploadTexts(tenant, adapterId, moreTopics);
    expect(over.status).toBe(422);
    expect(await over.json()).toMatchObject({
      limit: "trainingValues",
      dimension: 4096,
      samples: 334,
      labels: 154,
      maxSamples: 0,
    });
    const param = { param: { adapterId }, query: {} };
    const counts = await (await tenant.api.v1.adapters[":adapterId"].samples.$get(param)).json();
    expect(counts.total).toBe(270);
  });

  it("left the stored samples and the serving head untouched", async () => {
    const param = { param: { adapterId: textAdapter }, query: {} };
    const counts = await (await tenant.api.v1.adapters[":adapterId"].samples.$get(param)).json();
    expect(counts).toMatchObject({
      total: 12,
      labels: [
        { label: "cooking", count: 6 },
        { label: "weather", count: 6 },
      ],
    });
    const prediction = await tenant.api.v1.adapters[":adapterId"].predict.$post({
      ...param,
      query: {},
      ...jsonOnly({ inputs: ["Bake the bread until the crust is crisp."] }),
    });
    expect(await prediction.json()).toMatchObject({
      version: 1,
      predictions: [{ label: "cooking" }],
    });
  });
});
