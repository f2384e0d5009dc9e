/**
 * Text typed or pasted into a box, kept in the tab's sessionStorage until the API has taken it, so
 * that a session that ends (a revoked key, a reload) does not lose it: signing in again with a key
 * of the same tenant brings it back in the same box. So are the labels added in the console, which
 * the API knows only once they have samples (`useDraftList`), and the head type a Train form chose
 * (./train.tsx). Drafts are the signed-in tenant's: signing in
 * as another tenant, or signing out on purpose, forgets the others (`keepDraftsOf`, `forgetDrafts`).
 */

import { useState } from "preact/hooks";
import { tenantIdOfKey } from "../../tenants/key-shape";
import { session } from "./api";

const PREFIX = "edge-adapt:draft:";

/** Drafts sessionStorage refused (over its quota): kept for this page's life only. */
const unstored = new Map<string, string>();

function itemOf(name: string): string {
  const tenant = tenantIdOfKey(session.key() ?? "") ?? "none";
  return `${PREFIX}${tenant}:${name}`;
}

function read(item: string): string {
  return unstored.get(item) ?? sessionStorage.getItem(item) ?? "";
}

function write(item: string, text: string): void {
  unstored.delete(item);
  try {
    if (text === "") sessionStorage.removeItem(item);
    else sessionStorage.setItem(item, text);
  } catch {
    unstored.set(item, text);
  }
}

/** The box's text and its setter; `name` says which box (adapter, label). */
export function useDraft(name: string): [string, (text: string) => void] {
  const item = itemOf(name);
  // Read at each render, so a box that comes to name another adapter or label shows that one's.
  const [, changed] = useState(0);
  const update = (next: string) => {
    write(item, next);
    changed((count) => count + 1);
  };
  return [read(item), update];
}

/**
 * A list kept as a draft (as JSON), and a setter that changes the list as stored when it is called,
 * not as it was at the last render.
 */
export function useDraftList(
  name: string,
): [string[], (change: (list: string[]) => string[]) => void] {
  const [text, setText] = useDraft(name);
  const update = (change: (list: string[]) => string[]) => {
    const next = change(listOf(read(itemOf(name))));
    setText(next.length > 0 ? JSON.stringify(next) : "");
  };
  return [listOf(text), update];
}

/** A draft list's strings; none if none is kept. */
function listOf(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((item) => typeof item === "string") : [];
  } catch {
    return [];
  }
}

/** Forgets every draft but those of the tenant now signed in (none for the admin). */
export function keepDraftsOf(signedIn: "tenant" | "admin"): void {
  forgetDraftsBut(signedIn === "tenant" ? itemOf("") : null);
}

export function forgetDrafts(): void {
  forgetDraftsBut(null);
}

/** `kept`: the prefix of the drafts that stay, or null for none. */
function forgetDraftsBut(kept: string | null): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(PREFIX) && (kept === null || !key.startsWith(kept))) {
      sessionStorage.removeItem(key);
    }
  }
  unstored.clear();
}

/** Ctrl+Enter (⌘+Enter) in a text box sends its form, as Enter there adds a line. */
export function submitOnCtrlEnter(event: KeyboardEvent): void {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  }
}
