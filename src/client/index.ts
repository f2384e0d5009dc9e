/**
 * The typed client of the edge-adapt API (`edge-adapt/client`): hono/client built from the routes'
 * own definitions, so every path, parameter and body is checked at compile time. It adds the bearer
 * token, turns problem+json answers into `ProblemError`s, follows jobs over server-sent events and
 * uploads image files as multipart.
 *
 *   const client = edgeAdaptClient({ baseUrl: "http://localhost:8787", token: key });
 *   const adapter = await client.ok(client.api.v1.adapters.$post({ json: { name, backbone } }));
 */

import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { HeadDocument } from "../exports/head-document";
import type { TenantApi } from "../routes/tenant-api";
import { type JobEvent, jobEvents } from "./job-events";
import { type ProblemDetails, ProblemError } from "./problem-error";

export type { HeadDocument } from "../exports/head-document";
export type { JobEvent } from "./job-events";
export { type ProblemDetails, ProblemError } from "./problem-error";

export interface ClientOptions {
  baseUrl: string;
  /** A tenant's API key, or the admin token for the admin routes. */
  token: string;
  fetch?: typeof fetch;
}

/** A labelled file for `uploadFiles`: a JPEG or PNG as a Blob (or a File, whose name is kept). */
export interface LabelledFile {
  file: Blob;
  label: string;
}

/** The body of a client response's 2xx answers. */
export type Success<R> =
  R extends ClientResponse<infer Body, infer Status, infer _Format>
    ? Status extends SuccessStatusCode
      ? Body
      : never
    : never;

export function edgeAdaptClient({ baseUrl, token, fetch: fetcher = fetch }: ClientOptions) {
  const headers = { authorization: `Bearer ${token}` };
  const api = hc<TenantApi>(baseUrl, { headers, fetch: fetcher });
  type Job = Success<Awaited<ReturnType<(typeof api.v1.jobs)[":jobId"]["$get"]>>>;
  type Uploaded = Success<
    Awaited<ReturnType<(typeof api.v1.adapters)[":adapterId"]["samples"]["$post"]>>
  >;
  type Predicted = Success<
    Awaited<ReturnType<(typeof api.v1.adapters)[":adapterId"]["predict"]["$post"]>>
  >;

  /**
   * The parsed 2xx body of a call (undefined for a 204: a deletion, a revocation), or a
   * `ProblemError` for any other status.
   */
  async function ok<R extends ClientResponse<unknown>>(pending: Promise<R>): Promise<Success<R>> {
    const response = await pending;
    if (!response.ok) throw await ProblemError.from(response as unknown as Response);
    if (response.status === 204) return undefined as Success<R>;
    return (await response.json()) as Success<R>;
  }

  async function postJson<T>(url: URL, body: unknown): Promise<T> {
    const response = await fetcher(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await ProblemError.from(response);
    return (await response.json()) as T;
  }

  async function postForm<T>(url: URL, form: FormData): Promise<T> {
    const response = await fetcher(url, { method: "POST", headers, body: form });
    if (!response.ok) throw await ProblemError.from(response);
    return (await response.json()) as T;
  }

  /**
   * The job's events as it changes; the generator returns the ended job. A stream that ends in an
   * `error` event (the key revoked, the tenant deleted, the job unreadable) throws its problem as
   * a `ProblemError`.
   */
  async function* followJob(jobId: string): AsyncGenerator<JobEvent<Job>, Job> {
    const response = (await api.v1.jobs[":jobId"].events.$get({
      param: { jobId },
    })) as unknown as Response;
    if (!response.ok || !response.body) throw await ProblemError.from(response);
    let last: Job | undefined;
    for await (const event of jobEvents<Job>(response.body)) {
      if (event.event === "error") throw new ProblemError(event.job as unknown as ProblemDetails);
      last = event.job;
      yield event;
    }
    return last ?? (await ok(api.v1.jobs[":jobId"].$get({ param: { jobId } })));
  }

  /** A head version's export: the ONNX model's bytes (`onnx`, `onnx-head`) or the JSON document. */
  function exportVersion(adapterId: string, version: number, format: "json"): Promise<HeadDocument>;
  function exportVersion(
    adapterId: string,
    version: number,
    format: "onnx" | "onnx-head",
  ): Promise<Uint8Array>;
  async function exportVersion(
    adapterId: string,
    version: number,
    format: "onnx" | "onnx-head" | "json",
  ): Promise<Uint8Array | HeadDocument> {
    const response = (await api.v1.adapters[":adapterId"].versions[":version"].export.$get({
      param: { adapterId, version: String(version) },
      query: { format },
    })) as unknown as Response;
    if (!response.ok) throw await ProblemError.from(response);
    if (format === "json") return (await response.json()) as HeadDocument;
    return new Uint8Array(await response.arrayBuffer());
  }

  return {
    /** The raw typed client (`hc<TenantApi>`) with the token set: every admin and tenant route. */
    api,
    ok,
    followJob,
    exportVersion,

    /** Follows a job to its end and returns it (`status` says how it ended). */
    async finishedJob(jobId: string): Promise<Job> {
      const events = followJob(jobId);
      for (;;) {
        const next = await events.next();
        if (next.done) return next.value;
      }
    },

    /** Uploads image files with one label each (multipart, as `curl -F inputs=@… -F labels=…`). */
    uploadFiles(adapterId: string, files: readonly LabelledFile[]): Promise<Uploaded> {
      const form = new FormData();
      for (const { file, label } of files) {
        form.append("inputs", file);
        form.append("labels", label);
      }
      const url = api.v1.adapters[":adapterId"].samples.$url({ param: { adapterId }, query: {} });
      return postForm(url, form);
    },

    /** Uploads labelled texts (JSON); `truncate` cuts texts over the limit instead of refusing them. */
    uploadTexts(
      adapterId: string,
      samples: readonly { text: string; label: string }[],
      { truncate = false } = {},
    ): Promise<Uploaded> {
      const query = truncate ? { truncate: "true" as const } : {};
      const url = api.v1.adapters[":adapterId"].samples.$url({ param: { adapterId }, query });
      return postJson(url, { samples: samples.map(({ text, label }) => ({ input: text, label })) });
    },

    /** Predicts labels for texts (JSON). */
    predictTexts(adapterId: string, texts: readonly string[], topK?: number): Promise<Predicted> {
      const query = topK === undefined ? {} : { topK: String(topK) };
      const url = api.v1.adapters[":adapterId"].predict.$url({ param: { adapterId }, query });
      return postJson(url, { inputs: texts });
    },

    /** Predicts labels for image files (multipart). */
    predictFiles(adapterId: string, files: readonly Blob[], topK?: number): Promise<Predicted> {
      const form = new FormData();
      for (const file of files) form.append("inputs", file);
      const query = topK === undefined ? {} : { topK: String(topK) };
      const url = api.v1.adapters[":adapterId"].predict.$url({ param: { adapterId }, query });
      return postForm(url, form);
    },
  };
}

export type EdgeAdaptClient = ReturnType<typeof edgeAdaptClient>;
