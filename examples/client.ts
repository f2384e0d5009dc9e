/**
 * The typed client (`edge-adapt/client`) from tenant to prediction, against a running server:
 *
 *   npx tsx examples/client.ts      # BASE=http://localhost:8787 ADMIN_TOKEN=dev-admin-token
 *
 * It shows the calls a program makes: typed requests and answers, a refusal caught as a
 * `ProblemError`, a job followed over server-sent events, and image files uploaded as multipart.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { edgeAdaptClient, ProblemError } from "edge-adapt/client";

const baseUrl = process.env.BASE ?? "http://localhost:8787";
const admin = edgeAdaptClient({ baseUrl, token: process.env.ADMIN_TOKEN ?? "dev-admin-token" });

const tenant = await admin.ok(admin.api.v1.tenants.$post({ json: { name: "client-example" } }));
const { key } = await admin.ok(
  admin.api.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: tenant.id } }),
);
const client = edgeAdaptClient({ baseUrl, token: key });

const adapter = await client.ok(
  client.api.v1.adapters.$post({ json: { name: "mood", backbone: "use-lite" } }),
);
const texts: [string, string][] = [
  ["what a wonderful day", "happy"],
  ["I love this so much", "happy"],
  ["this made me smile", "happy"],
  ["I feel miserable", "sad"],
  ["everything went wrong today", "sad"],
  ["I miss them terribly", "sad"],
];
const upload = (samples: [string, string][]) =>
  client.uploadTexts(
    adapter.id,
    samples.map(([text, label]) => ({ text, label })),
  );

// Two samples per label are too few to train: the refusal is a typed exception.
await upload(texts.filter((_, index) => index % 3 !== 2));
try {
  await client.ok(
    client.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId: adapter.id },
      json: {},
    }),
  );
  throw new Error("training with 2 samples per label was accepted");
} catch (error) {
  if (!(error instanceof ProblemError) || error.type !== "/problems/too-few-samples") throw error;
  console.log(`refused as expected: ${error.status} ${error.type}`);
}

await upload(texts);
const job = await client.ok(
  client.api.v1.adapters[":adapterId"].train.$post({ param: { adapterId: adapter.id }, json: {} }),
);
const events = client.followJob(job.id);
let next = await events.next();
for (; !next.done; next = await events.next()) {
  console.log(`  ${next.value.event} ${next.value.job.progress.stage ?? ""}`);
}
if (next.value.status !== "succeeded") throw new Error(`training ${next.value.status}`);

const { predictions, version } = await client.predictTexts(adapter.id, ["best holiday ever"]);
console.log(`version ${version} says "${predictions[0]?.label}"`);

// Images: files uploaded as multipart with one label each, then predicted.
const pictures = mkdtempSync(join(tmpdir(), "edge-adapt-pictures-"));
execFileSync("node", [new URL("./make-pictures.mjs", import.meta.url).pathname, pictures]);
const file = (name: string) => new File([readFileSync(join(pictures, name))], name);
const scenes = await client.ok(
  client.api.v1.adapters.$post({ json: { name: "scenes", backbone: "mobilenet-v2" } }),
);
const uploaded = await client.uploadFiles(
  scenes.id,
  ["sunset-1.png", "sunset-3.jpg", "sunset-4.jpg", "sea-1.png", "sea-3.jpg", "sea-4.jpg"].map(
    (name) => ({ file: file(name), label: name.split("-")[0] as string }),
  ),
);
console.log(`uploaded ${uploaded.added} pictures`);
const imageJob = await client.ok(
  client.api.v1.adapters[":adapterId"].train.$post({ param: { adapterId: scenes.id }, json: {} }),
);
const trained = await client.finishedJob(imageJob.id);
if (trained.status !== "succeeded") throw new Error(`image training ${trained.status}`);
const seen = await client.predictFiles(scenes.id, [file("query.jpg")], 2);
console.log(`the query picture is a ${seen.predictions[0]?.label}`);

// A deletion answers 204, with no body: ok() resolves to undefined.
await client.ok(client.api.v1.adapters[":adapterId"].$delete({ param: { adapterId: scenes.id } }));
try {
  await client.ok(client.api.v1.adapters[":adapterId"].$get({ param: { adapterId: scenes.id } }));
  throw new Error("a deleted adapter was still there");
} catch (error) {
  if (!(error instanceof ProblemError) || error.status !== 404) throw error;
  console.log("deleted the scenes adapter");
}
console.log("✓ client example finished");
