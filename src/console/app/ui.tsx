/** Small shared pieces: the error box (a problem's title and detail), number formats, a job bar. */

import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError, NetworkError } from "./api";
import type { Job } from "./types";

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const { title, detail } =
    error instanceof ApiError
      ? { title: `${error.status} ${error.title}`, detail: error.detail }
      : {
          title: error instanceof NetworkError ? "No answer" : "Error",
          detail: error instanceof Error ? error.message : String(error),
        };
  return (
    <div class="error" role="alert">
      <strong>{title}</strong>
      <span>{detail}</span>
    </div>
  );
}

/** Runs an action, holding its error and whether it is busy. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

export const percent = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;
export const fixed = (value: number, digits = 3) => value.toFixed(digits);
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function JobProgress({ job }: { job: Job }) {
  return (
    <div class="job" aria-live="polite">
      <progress max={1} value={job.progress.fraction} aria-label="job progress" />
      <span data-testid="job-status">
        {job.status} {job.progress.stage ?? ""} {percent(job.progress.fraction, 0)}
      </span>
      {job.progress.message && <small>{job.progress.message}</small>}
      {job.error && (
        <div class="error" role="alert">
          <strong>{job.error.code}</strong>
          <span>{job.error.detail}</span>
        </div>
      )}
    </div>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
