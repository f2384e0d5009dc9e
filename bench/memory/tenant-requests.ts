/**
 * The largest image requests a tenant can send to MobileNetV2: a sample upload and a predict with
 * as many inputs as one request takes, distinct 16-bit RGBA noise PNGs that together use the whole
 * pixel budget (each input waits decoded until its forward batch). Each on a fresh server, after a
 * small upload (and, for predict, a training and a small predict) has loaded the backbone and grown
 * its wasm heap, measured as the /v1/embed cases are: the wasm heap + the growth of the worker's
 * workerd peak RSS during the request.
 */

import { LIMITS } from "../../src/limits";
import { TENANT_LIMITS } from "../../src/tenant-limits";
import { ADMIN_TOKEN } from "../tenants/api";
import { withWranglerDev } from "../wrangler-dev";
import { resetPeak, residentBytes } from "./proc-memory";
import { BACKBONE, noisePng } from "./worst-inputs";

export interface TenantRequestProbe {
  readonly description: string;
  readonly status: number;
  readonly wasmHeap: number;
  /** Growth of the workerd process's peak RSS during the request. */
  readonly growth: number;
  readonly ms: number;
}

const JOB_POLL_MS = 200;

export async function measureTenantRequests(port: number): Promise<TenantRequestProbe[]> {
  const uploadCount = TENANT_LIMITS.samplesPerRequest;
  const predictCount = TENANT_LIMITS.inputsPerPrediction;
  return [await probe(port, "upload", uploadCount), await probe(port + 1, "predict", predictCount)];
}

async function probe(
  port: number,
  route: "upload" | "predict",
  count: number,
): Promise<TenantRequestProbe> {
  const side = Math.floor(Math.sqrt(LIMITS.maxRequestPixels / count));
  return withWranglerDev({ port }, async ({ url, workerdPid }) => {
    const api = tenantApi(url);
    const adapter = await api.adapterWithSamples();
    // The request's own growth, on a backbone already loaded and run (the samples' upload ran it).
    if (route === "predict") {
      await api.train(adapter);
      await api.send(adapter, "predict", pictures(4, 8, 1_000));
    }
    const loaded = await residentBytes(workerdPid, "VmRSS");
    await resetPeak(workerdPid);
    const started = performance.now();
    const status = await api.send(adapter, route, pictures(count, side, 2_000));
    const ms = performance.now() - started;
    const growth = (await residentBytes(workerdPid, "VmHWM")) - loaded;
    const { runtime } = (await (await fetch(`${url}/v1/backbones`)).json()) as {
      runtime: { wasmHeapBytes: number };
    };
    return {
      description: `${count} × 16-bit RGBA PNG of noise, ${side}×${side}: ${route === "upload" ? "sample upload" : "predict"}`,
      status,
      wasmHeap: runtime.wasmHeapBytes,
      growth,
      ms,
    };
  });
}

/** Distinct noise pictures (seeds from `firstSeed`), labelled in two classes by parity. */
function pictures(count: number, side: number, firstSeed: number) {
  return Array.from({ length: count }, (_, i) => ({
    png: noisePng(side, firstSeed + i),
    label: i % 2 === 0 ? "even" : "odd",
  }));
}

function tenantApi(url: string) {
  const call = async <T>(method: string, path: string, token: string, body?: BodyInit) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: "application/json" });
  return {
    async adapterWithSamples() {
      const tenant = await call<{ id: string }>(
        "POST",
        "/v1/tenants",
        ADMIN_TOKEN,
        json({ name: "memory" }),
      );
      const { key } = await call<{ key: string }>(
        "POST",
        `/v1/tenants/${tenant.id}/keys`,
        ADMIN_TOKEN,
      );
      const adapter = await call<{ id: string }>(
        "POST",
        "/v1/adapters",
        key,
        json({ name: "noise", backbone: BACKBONE }),
      );
      const target = { key, id: adapter.id };
      await this.send(target, "upload", pictures(6, 8, 0));
      return target;
    },
    async train(target: { key: string; id: string }) {
      let job = await call<{ id: string; status: string }>(
        "POST",
        `/v1/adapters/${target.id}/train`,
        target.key,
        json({}),
      );
      while (job.status === "queued" || job.status === "running") {
        await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
        job = await call("GET", `/v1/jobs/${job.id}`, target.key);
      }
      if (job.status !== "succeeded") throw new Error(`training ${job.id} ${job.status}`);
    },
    /** The pictures as one multipart request; returns its status (it must succeed). */
    async send(
      target: { key: string; id: string },
      route: "upload" | "predict",
      inputs: { png: Uint8Array; label: string }[],
    ): Promise<number> {
      const form = new FormData();
      for (const [index, { png, label }] of inputs.entries()) {
        form.append("inputs", new Blob([png], { type: "image/png" }), `${index}.png`);
        if (route === "upload") form.append("labels", label);
      }
      const path = `/v1/adapters/${target.id}/${route === "upload" ? "samples" : "predict"}`;
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${target.key}` },
        body: form,
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`POST ${path}: ${response.status}`);
      return response.status;
    },
  };
}
