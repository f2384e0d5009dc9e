/**
 * The memory one `format=onnx` export takes in workerd: a fresh `wrangler dev`, an image adapter
 * trained through the API (logistic head), then the growth of the worker's workerd process's peak
 * RSS (kernel VmHWM, reset just before) during the export request, with MobileNetV2 loaded in the
 * isolate by the uploads' embedding. That process also runs
 * miniflare's local services (the static assets the export reads among them), so this over-states
 * the isolate's own share.
 */

import { manifest } from "../../models/mobilenet-v2/manifest";
import { edgeAdaptClient } from "../../src/client";
import { picturePng } from "../../test/fixtures/pictures";
import { resetPeak, residentBytes } from "../memory/proc-memory";
import { freePort, withWranglerDev } from "../wrangler-dev";

export interface WorkerdExport {
  bytes: number;
  ms: number;
  peakGrowthBytes: number;
}

export async function workerdExport(): Promise<WorkerdExport> {
  return withWranglerDev({ port: await freePort() }, async ({ url, workerdPid }) => {
    const admin = edgeAdaptClient({ baseUrl: url, token: "dev-admin-token" });
    const tenant = await admin.ok(admin.api.v1.tenants.$post({ json: { name: "bench" } }));
    const { key } = await admin.ok(
      admin.api.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: tenant.id } }),
    );
    const client = edgeAdaptClient({ baseUrl: url, token: key });
    const adapter = await client.ok(
      client.api.v1.adapters.$post({ json: { name: "bench", backbone: manifest.id } }),
    );
    const files = ["a", "b"].flatMap((label, k) =>
      [0, 1, 2, 3].map((n) => ({
        file: new Blob([picturePng(64, 48, k + n * 0.1)], { type: "image/png" }),
        label,
      })),
    );
    await client.uploadFiles(adapter.id, files);
    const job = await client.ok(
      client.api.v1.adapters[":adapterId"].train.$post({
        param: { adapterId: adapter.id },
        json: { headType: "logistic" },
      }),
    );
    const trained = await client.finishedJob(job.id);
    if (trained.status !== "succeeded") throw new Error(`training ${trained.status}`);
    // The head read once, so that the measured request's growth is the export's own.
    await client.exportVersion(adapter.id, 1, "json");
    await resetPeak(workerdPid);
    const before = await residentBytes(workerdPid, "VmRSS");
    const started = performance.now();
    const onnx = await client.exportVersion(adapter.id, 1, "onnx");
    const ms = performance.now() - started;
    const peak = await residentBytes(workerdPid, "VmHWM");
    return { bytes: onnx.byteLength, ms, peakGrowthBytes: peak - before };
  });
}
