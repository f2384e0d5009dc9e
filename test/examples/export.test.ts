/**
 * The head export end to end, against `wrangler dev`: an image adapter on MobileNetV2 trained
 * through the API with each head type, then each version's exports checked against /predict on the
 * same pictures. The ONNX classifier runs in onnxruntime-node on the pictures preprocessed as its
 * metadata says (the project's own decoder and resize); the head-only ONNX and the JSON steps run on
 * /v1/embed's embeddings. The refusals are checked too.
 */

import * as ort from "onnxruntime-node";
import protobuf from "protobufjs";
import { expect, it } from "vitest";
import type { HeadStep } from "../../adapters";
import { freePort, withWranglerDev } from "../../bench/wrangler-dev";
import { decodeImage } from "../../models/image/decode";
import { imageBatch } from "../../models/image-backbone";
import { manifest } from "../../models/mobilenet-v2/manifest";
import descriptor from "../../models/onnx/onnx.proto.json";
import { edgeAdaptClient, type HeadDocument } from "../../src/client";
import { picturePng, toBase64 } from "../fixtures/pictures";

/** The bound on |ONNX − /predict| per probability. */
const TOLERANCE = 1e-4;
const LABELS = ["dawn", "noon", "dusk"];

/** Small, non-square pictures (the graph's input is after the centre crop); distinct per seed. */
const picture = (seed: number) => picturePng(64, 48, seed);
const training = LABELS.flatMap((label, k) =>
  [0, 1, 2, 3].map((n) => ({ label, png: picture(k + n * 0.07 + 0.01 * k) })),
);
const queries = [0.15, 0.5, 0.85, 1.3, 2.2].map(picture);

it("exports every head type as ONNX and JSON that reproduce /predict", async () => {
  await withWranglerDev({ port: await freePort() }, async ({ url }) => {
    const admin = edgeAdaptClient({ baseUrl: url, token: "dev-admin-token" });
    const tenant = await admin.ok(admin.api.v1.tenants.$post({ json: { name: "export" } }));
    const { key } = await admin.ok(
      admin.api.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: tenant.id } }),
    );
    const client = edgeAdaptClient({ baseUrl: url, token: key });
    const adapter = await client.ok(
      client.api.v1.adapters.$post({ json: { name: "light", backbone: manifest.id } }),
    );
    await client.uploadFiles(
      adapter.id,
      training.map(({ label, png }) => ({ file: new Blob([png], { type: "image/png" }), label })),
    );

    const embedded = await embed(url, key, adapter.layer ?? manifest.output.layer, queries);
    const embeddings = embedded.embeddings.map((row) => Float32Array.from(row));
    const pixels = imageBatch(
      manifest,
      queries.map((png) => decodeImage(png)),
    );

    for (const headType of ["logistic", "mlp", "prototype"] as const) {
      const job = await client.ok(
        client.api.v1.adapters[":adapterId"].train.$post({
          param: { adapterId: adapter.id },
          json: { headType, activate: true, seed: 1, hyperparameters: mlpEpochs(headType) },
        }),
      );
      const trained = await client.finishedJob(job.id);
      expect(trained.status, JSON.stringify(trained)).toBe("succeeded");
      const version = trained.version as number;

      const predicted = await client.predictFiles(
        adapter.id,
        queries.map((png) => new Blob([png], { type: "image/png" })),
      );
      expect(predicted.version).toBe(version);

      const onnx = await client.exportVersion(adapter.id, version, "onnx");
      const session = await ort.InferenceSession.create(onnx);
      const metadata = metadataOf(onnx);
      expect(metadata).toMatchObject({ adapter_id: adapter.id, version: String(version) });
      const labels = JSON.parse(metadata.labels ?? "[]") as string[];
      expect([...labels].sort()).toEqual([...LABELS].sort());
      const expected = predicted.predictions.map((p) =>
        labels.map((l) => p.probabilities[l] ?? -1),
      );
      const [input] = session.inputNames;
      const outputs = await session.run({
        [input ?? "input"]: new ort.Tensor("float32", pixels.data, [...pixels.dims]),
      });
      expect(outputs.probabilities?.dims).toEqual([queries.length, LABELS.length]);
      const onnxDifference = worstDifference(outputs.probabilities?.data as Float32Array, expected);
      expect(onnxDifference).toBeLessThan(TOLERANCE);
      // Its embedding output is /v1/embed's.
      expect(
        worstDifference(outputs.embedding?.data as Float32Array, embedded.embeddings),
      ).toBeLessThan(1e-4);
      await session.release();

      const headOnly = await ort.InferenceSession.create(
        await client.exportVersion(adapter.id, version, "onnx-head"),
      );
      const fromEmbeddings = await headOnly.run({
        embedding: new ort.Tensor("float32", concat(embeddings), [queries.length, embedded.dim]),
      });
      const headDifference = worstDifference(
        fromEmbeddings.probabilities?.data as Float32Array,
        expected,
      );
      expect(headDifference).toBeLessThan(TOLERANCE);
      await headOnly.release();

      const document = await client.exportVersion(adapter.id, version, "json");
      expect(document).toMatchObject({
        schema: "edge-adapt/head",
        schemaVersion: 1,
        adapterId: adapter.id,
        version,
        headType,
        labels,
        // The layer an adapter that names none starts on: the ONNX graph pools its map itself.
        backbone: {
          id: manifest.id,
          weightsHash: manifest.weightsHash,
          layer: "block16-grid-2x2",
        },
      });
      const fromJson = embeddings.map((row) => applyDocument(document, row));
      const jsonDifference = worstDifference(fromJson.flat(), expected);
      expect(jsonDifference).toBeLessThan(1e-9);
      console.log(
        `${headType}: max |exported − /predict| probability: onnx ${onnxDifference.toExponential(2)}, onnx-head ${headDifference.toExponential(2)}, json ${jsonDifference.toExponential(2)}; onnx ${onnx.byteLength} bytes`,
      );
    }

    await expectRefusals(url, key, adapter.id);
  });
});

/** Fewer epochs keep the MLP's training short. */
function mlpEpochs(headType: string) {
  return headType === "mlp" ? { maxEpochs: 10 } : undefined;
}

async function expectRefusals(url: string, key: string, adapterId: string) {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/adapters/${path}`, {
      headers: { authorization: `Bearer ${key}`, ...headers },
    });
  const problem = async (response: Response) => {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    return (await response.json()) as { type: string; detail: string };
  };

  const ok = await get(`${adapterId}/versions/1/export?format=json`);
  expect(ok.status).toBe(200);
  expect(ok.headers.get("content-type")).toMatch(/^application\/json/);
  expect(ok.headers.get("content-disposition")).toBe(
    `attachment; filename="${adapterId}-v1-head.json"`,
  );
  expect(ok.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
  const etag = ok.headers.get("etag") ?? "";
  expect(etag).toMatch(/^".+"$/);
  const head = await get(`${adapterId}/versions/1/export?format=onnx-head`, {
    "if-none-match": etag,
  });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toBe("application/octet-stream");
  expect(head.headers.get("content-disposition")).toBe(
    `attachment; filename="${adapterId}-v1-head.onnx"`,
  );
  await head.arrayBuffer();
  const cached = await get(`${adapterId}/versions/1/export?format=json`, { "if-none-match": etag });
  expect(cached.status).toBe(304);
  expect(cached.headers.get("etag")).toBe(etag);
  // The ONNX export's ETag, answered 304 (without building the model) when listed among others.
  const anyCopy = await get(`${adapterId}/versions/1/export?format=onnx`, { "if-none-match": "*" });
  expect(anyCopy.status).toBe(304);
  const onnxEtag = anyCopy.headers.get("etag");
  expect(onnxEtag).not.toBe(etag);
  const listed = await get(`${adapterId}/versions/1/export?format=onnx`, {
    "if-none-match": `"another", W/${onnxEtag}`,
  });
  expect(listed.status).toBe(304);

  const badFormat = await get(`${adapterId}/versions/1/export?format=tflite`);
  expect(badFormat.status).toBe(422);
  expect((await problem(badFormat)).detail).toContain("format");
  const noFormat = await get(`${adapterId}/versions/1/export`);
  expect(noFormat.status).toBe(422);
  await problem(noFormat);
  const noVersion = await get(`${adapterId}/versions/99/export?format=json`);
  expect(noVersion.status).toBe(404);
  expect((await problem(noVersion)).type).toBe("/problems/version-not-found");
  const noAdapter = await get("a_nope/versions/1/export?format=onnx");
  expect(noAdapter.status).toBe(404);
  expect((await problem(noAdapter)).type).toBe("/problems/adapter-not-found");
  const anonymous = await fetch(`${url}/v1/adapters/${adapterId}/versions/1/export?format=json`);
  expect(anonymous.status).toBe(401);
  await problem(anonymous);
}

/** The model's metadata_props, read from the file as any ONNX reader would. */
function metadataOf(onnx: Uint8Array): Record<string, string> {
  const ModelProto = protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");
  const model = ModelProto.toObject(ModelProto.decode(onnx)) as {
    metadataProps?: { key: string; value: string }[];
  };
  return Object.fromEntries((model.metadataProps ?? []).map(({ key, value }) => [key, value]));
}

/** The JSON document's steps applied as its `output` field says, in float64. */
function applyDocument(document: HeadDocument, embedding: Float32Array): number[] {
  let x = Array.from(embedding);
  for (const step of document.steps as HeadStep[]) {
    if (step.op === "standardize")
      x = x.map((v, j) => (v - (step.mean[j] ?? 0)) / (step.scale[j] ?? 1));
    else if (step.op === "l2-normalize") {
      const norm = Math.max(Math.hypot(...x), 1e-12);
      x = x.map((v) => v / norm);
    } else if (step.op === "relu") x = x.map((v) => Math.max(v, 0));
    else
      x = step.weights.map(
        (row, k) => row.reduce((sum, w, j) => sum + w * (x[j] ?? 0), 0) + (step.bias[k] ?? 0),
      );
  }
  const logits = x.map((v) => v / document.temperature);
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

function worstDifference(actual: ArrayLike<number>, expected: readonly (readonly number[])[]) {
  const flat = expected.flat();
  expect(actual.length).toBe(flat.length);
  return Math.max(...flat.map((value, i) => Math.abs((actual[i] ?? Number.NaN) - value)));
}

function concat(rows: readonly Float32Array[]): Float32Array {
  return Float32Array.from(rows.flatMap((row) => [...row]));
}

/**
 * POST /v1/embed (not part of the typed client's tenant API) with the adapter's backbone at `layer`:
 * with none named it gives the published output, not an adapter's layer.
 */
async function embed(url: string, key: string, layer: string, pngs: readonly Uint8Array[]) {
  const response = await fetch(`${url}/v1/embed`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      backbone: manifest.id,
      layer,
      inputs: pngs.map((png) => ({ image: toBase64(png) })),
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { dim: number; embeddings: number[][] };
}
