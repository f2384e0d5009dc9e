/** Small shared pieces: the error box (a problem's title and detail), number formats, a job bar. */

import type { ComponentChildren, RefObject } from "preact";
import { useRef, useState } from "preact/hooks";
import { ApiError, call, hasEnded, NetworkError, path } from "./api";
import { type Announcement, nextAnnouncement } from "./job-announcement";
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
export function useAction(busyFromTheStart = false) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(busyFromTheStart);
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

/** The head type to train, among those offered. */
export function HeadTypeSelect({
  name,
  value,
  headTypes,
  disabled = false,
  onChange,
}: {
  name: string;
  value: string;
  headTypes: string[];
  disabled?: boolean;
  onChange: (headType: string) => void;
}) {
  return (
    <label>
      Head type
      <select
        name={name}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {headTypes.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
    </label>
  );
}

/** "1 label", "2 labels". */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
export const percent = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;
export const fixed = (value: number, digits = 3) => value.toFixed(digits);
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * A job's progress as last heard. `unreachableFor`: seconds the server has not answered, said so
 * that a frozen bar is not taken for a job that hangs. Shown in full; a screen reader hears a short
 * announcement of it now and then (./job-announcement.ts).
 */
export function JobProgress({ job, unreachableFor = 0 }: { job: Job; unreachableFor?: number }) {
  const announced = useRef<Announcement | null>(null);
  const state = {
    status: job.status,
    stage: job.progress.stage,
    fraction: job.progress.fraction,
    ended: hasEnded(job),
    unreachable: unreachableFor > 0,
  };
  announced.current = nextAnnouncement(announced.current, state, Date.now()) ?? announced.current;
  return (
    <div class="job">
      <span class="visually-hidden" role="status" data-testid="job-announcement">
        {announced.current?.text}
      </span>
      <progress max={1} value={job.progress.fraction} aria-label="job progress" />
      <span data-testid="job-status">
        {job.status} {job.progress.stage ?? ""} {percent(job.progress.fraction, 0)}
      </span>
      {job.progress.message && <small>{job.progress.message}</small>}
      {unreachableFor > 0 && !hasEnded(job) && (
        <p class="notice" data-testid="job-unreachable">
          No answer from the server for {unreachableFor} s: trying again every second for a minute.
          The job runs on there.
        </p>
      )}
      {job.error && (
        <div class="error" role="alert">
          <strong>{job.error.code}</strong>
          <span>{job.error.detail}</span>
        </div>
      )}
    </div>
  );
}

/** What may take the focus; whether it does (not disabled, say) is known only by trying. */
const FOCUSABLE = "button, a[href], input, select, textarea, [tabindex]";

const focusables = (within: Element) => [...within.querySelectorAll<HTMLElement>(FOCUSABLE)];

/**
 * Once `done`, if the control that started it is gone (a deleted row, an Activate once its version
 * is active, a Cancel once the job ended), the focus stays near it rather than jumping to a heading
 * or the top of the page: on `next` if given (after a Cancel, the button that starts the work
 * again), else on what is left of its row (the version just activated), else on the same control
 * in the row that took its place (the next sample's delete, so that the keyboard deletes several in
 * a row) or in the row before, else on the nearest control before it, else on its list, else on the
 * heading of its card.
 */
export async function keepFocusNear(
  control: HTMLElement,
  done: Promise<unknown>,
  next?: HTMLElement | null,
): Promise<void> {
  const row = control.closest("li, tr");
  const list = row?.parentElement;
  const at = row && list ? [...list.children].indexOf(row) : -1;
  const place = row ? focusables(row).indexOf(control) : -1;
  const siblings = control.parentElement ? focusables(control.parentElement) : [];
  const before = siblings.slice(0, siblings.indexOf(control)).reverse();
  const heading = control.closest(".card")?.querySelector<HTMLElement>("h2");
  await done;
  // After the render that took the control away.
  setTimeout(() => {
    if (control.isConnected) return;
    const peer = (index: number) => {
      const other = list?.children[index];
      return other ? focusables(other)[place] : undefined;
    };
    const candidates = [
      next,
      ...(row?.isConnected ? focusables(row) : []),
      peer(at),
      peer(at - 1),
      ...before,
      list,
      heading,
    ];
    candidates.find((candidate) => candidate instanceof HTMLElement && takesFocus(candidate));
  });
}

function takesFocus(element: HTMLElement): boolean {
  if (!element.isConnected) return false;
  element.focus();
  return document.activeElement === element;
}

/**
 * Cancels a queued or running job; it stops at its next step and publishes nothing. The focus then
 * goes to `restart`, the button that starts the work again: aria-disabled rather than disabled
 * while the view still follows the ended job, so that it can take the focus meanwhile.
 */
export function CancelJob({
  job,
  restart,
  onCancelled,
  onError,
}: {
  job: Job;
  restart: RefObject<HTMLElement>;
  onCancelled: (job: Job) => void;
  onError: (error: unknown) => void;
}) {
  // One request: a second click while the first is answered would be told the job has ended.
  const [cancelling, setCancelling] = useState(false);
  const inFlight = useRef(false);
  return (
    <button
      type="button"
      class="danger"
      // Not `disabled`: that would drop the focus from the button being pressed.
      aria-disabled={cancelling}
      onClick={(event) => {
        if (inFlight.current) return;
        inFlight.current = true;
        setCancelling(true);
        keepFocusNear(
          event.currentTarget,
          call<Job>("POST", `/v1/jobs/${path(job.id)}/cancel`)
            .then(onCancelled, onError)
            .finally(() => {
              inFlight.current = false;
              setCancelling(false);
            }),
          restart.current,
        );
      }}
    >
      Cancel
    </button>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      {/* Focusable from script only: where the focus goes when its control is gone. */}
      <h2 tabindex={-1}>{title}</h2>
      {children}
    </section>
  );
}
