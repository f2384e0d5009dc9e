/**
 * The console's calls to the API, same origin. The credential lives in the tab's sessionStorage
 * only. Every non-2xx answer becomes an ApiError carrying the problem's title and detail; a 401 on
 * the key or the admin token ends the session (the app returns to sign-in, saying why).
 */

import { jobEvents } from "../../client/job-events";
import type { HeadVersion, Job } from "./types";

const KEY_ITEM = "edge-adapt.key";
const ADMIN_ITEM = "edge-adapt.admin";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type: string,
  ) {
    super(`${title}: ${detail}`);
  }
}

/** No answer at all: the network is down, or the server is (a restart, a deploy). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(
      `The server could not be reached (${cause instanceof Error ? cause.message : String(cause)}): check the connection, then try again.`,
    );
  }
}

/** fetch, with "Failed to fetch" said as a NetworkError; an abort stays an abort. */
async function reach(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (error instanceof TypeError) throw new NetworkError(error);
    throw error;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  admin: () => sessionStorage.getItem(ADMIN_ITEM),
  setKey: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  setAdmin: (token: string) => sessionStorage.setItem(ADMIN_ITEM, token),
  clear: () => {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(ADMIN_ITEM);
  },
};

/** Called when the credential is refused: the app signs out and shows the reason. */
let onUnauthorized: (reason: string) => void = () => {};
export function whenUnauthorized(handler: (reason: string) => void): void {
  onUnauthorized = handler;
}

const refused = (as: "tenant" | "admin", problem: { title: string; detail: string }) =>
  `the API refused the ${as === "admin" ? "admin token" : "key"} (${problem.title}: ${problem.detail})`;

type Body = { json: unknown } | { form: FormData } | undefined;

export async function call<T>(
  method: string,
  path: string,
  body?: Body,
  as: "tenant" | "admin" = "tenant",
): Promise<T> {
  const response = await send(method, path, body, as);
  if (response.status === 204) return undefined as T;
  if (response.ok) return (await response.json()) as T;
  const error = await problemOf(response);
  if (response.status === 401) onUnauthorized(refused(as, error));
  throw error;
}

/** A paged list's pages in order (200 items a page; a page of versions may hold fewer). */
export async function* pagesOf<P extends { nextCursor: string | null }>(
  listPath: string,
  as: "tenant" | "admin" = "tenant",
): AsyncGenerator<P> {
  const separator = listPath.includes("?") ? "&" : "?";
  let cursor: string | null = null;
  do {
    const after = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page: P = await call("GET", `${listPath}${separator}limit=200${after}`, undefined, as);
    yield page;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Every item of a paged list under `key`, page after page, up to `max` items. */
export async function listAll<T>(
  listPath: string,
  key: string,
  as: "tenant" | "admin" = "tenant",
  max = 1_000,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagesOf<{ nextCursor: string | null } & Record<string, unknown>>(
    listPath,
    as,
  )) {
    items.push(...(page[key] as T[]));
    if (items.length >= max) break;
  }
  return items;
}

/** A binary or text answer (a sample's raw upload) as a Blob typed by its content type. */
export async function callBlob(path: string): Promise<Blob> {
  return (await getOk(path)).blob();
}

/** An attachment (an export) and the file name its Content-Disposition gives it. */
export async function callDownload(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const response = await getOk(path);
  const disposition = response.headers.get("content-disposition") ?? "";
  return {
    blob: await response.blob(),
    filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null,
  };
}

async function getOk(path: string): Promise<Response> {
  const response = await send("GET", path, undefined, "tenant");
  if (response.ok) return response;
  const error = await problemOf(response);
  if (response.status === 401) onUnauthorized(refused("tenant", error));
  throw error;
}

export function callAdmin<T>(method: string, path: string, body?: Body): Promise<T> {
  return call<T>(method, path, body, "admin");
}

function send(method: string, path: string, body: Body, as: "tenant" | "admin") {
  const headers: Record<string, string> = {
    authorization: `Bearer ${(as === "admin" ? session.admin() : session.key()) ?? ""}`,
  };
  let payload: BodyInit | undefined;
  if (body && "json" in body) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body) {
    payload = body.form;
  }
  return reach(path, { method, headers, body: payload });
}

/** The problem+json of a failed answer; something readable even when the body is not one. */
export async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string; type?: string };
    return new ApiError(
      response.status,
      problem.title ?? response.statusText,
      problem.detail ?? text,
      problem.type ?? "about:blank",
    );
  } catch {
    return new ApiError(response.status, response.statusText || "error", text.slice(0, 300), "");
  }
}

const ENDED = new Set(["succeeded", "failed", "cancelled"]);

export const hasEnded = (job: Job) => ENDED.has(job.status);

/** How long following a job rides out a server it cannot reach (a restart, a deploy), in seconds. */
const UNREACHABLE_FOR = 60;

/** What following a job tells its view. */
export interface Following {
  /** Each state of the job as it runs. */
  update: (job: Job) => void;
  /** For how many seconds the server has not answered; 0 once it answers again. */
  unreachable?: (seconds: number) => void;
  /** Stops following (the view that showed the job went away); the job itself runs on. */
  signal?: AbortSignal;
}

/**
 * Follows a job over its server-sent events until it ends. A stream cut before the job ended (a
 * network blip, a deploy) is opened again, and a server that does not answer is tried again every
 * second for a minute, said through `unreachable` meanwhile.
 */
export async function followJob(
  jobId: string,
  { update, unreachable = () => {}, signal }: Following,
): Promise<Job> {
  const jobPath = `/v1/jobs/${encodeURIComponent(jobId)}`;
  let silentFor = 0;
  const answered = () => {
    if (silentFor > 0) unreachable(0);
    silentFor = 0;
  };
  for (;;) {
    let job: Job | null = null;
    try {
      const last = await followOnce(
        jobPath,
        (state) => {
          answered();
          update(state);
        },
        signal,
      );
      signal?.throwIfAborted();
      job = last ?? (await call<Job>("GET", jobPath));
      answered();
    } catch (error) {
      if (!(error instanceof NetworkError) || ++silentFor > UNREACHABLE_FOR) throw error;
      unreachable(silentFor);
    }
    if (job && hasEnded(job)) return job;
    await new Promise((resume) => setTimeout(resume, 1000));
  }
}

async function followOnce(
  jobPath: string,
  update: (job: Job) => void,
  signal?: AbortSignal,
): Promise<Job | null> {
  const response = await reach(`${jobPath}/events`, {
    headers: { authorization: `Bearer ${session.key() ?? ""}` },
    signal,
  });
  if (!response.ok || !response.body) {
    const error = await problemOf(response);
    if (response.status === 401) onUnauthorized(refused("tenant", error));
    throw error;
  }
  let last: Job | null = null;
  try {
    for await (const { event, job } of jobEvents<Job>(response.body)) {
      if (event === "error") {
        const problem = job as unknown as { status: number; title: string; detail: string };
        if (problem.status === 401) onUnauthorized(refused("tenant", problem));
        throw new ApiError(problem.status, problem.title, problem.detail, "");
      }
      last = job;
      update(job);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The connection broke: the caller looks at the job and follows it again.
  }
  return last;
}

/**
 * The adapter's recent jobs, newest first: what a view shows when it opens, so that a job started
 * before a reload or a change of tab is shown, and followed while it runs. An adapter runs one job
 * at a time, so a live one is always the newest.
 */
export async function recentJobs(adapterId: string): Promise<Job[]> {
  const { jobs } = await call<{ jobs: Job[] }>(
    "GET",
    `/v1/adapters/${path(adapterId)}/jobs?limit=20`,
  );
  return jobs;
}

export const path = (...parts: (string | number)[]) =>
  parts.map((part) => encodeURIComponent(String(part))).join("/");

/** One head version of an adapter, with its training report; null when there is no such version. */
export async function fetchVersion(
  adapterId: string,
  version: number,
): Promise<HeadVersion | null> {
  try {
    return await call<HeadVersion>("GET", `/v1/adapters/${path(adapterId, "versions", version)}`);
  } catch (error) {
    if (error instanceof ApiError && error.type === "/problems/version-not-found") return null;
    throw error;
  }
}
