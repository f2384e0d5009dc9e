/**
 * Text typed or pasted into a box, kept in the tab's sessionStorage until the API has taken it, so
 * that a session that ends (a revoked key, a reload) does not lose it: signing in again brings it
 * back in the same box. Signing out on purpose forgets every draft (`forgetDrafts`).
 */

import { useState } from "preact/hooks";

const PREFIX = "edge-adapt:draft:";

/** The box's text and its setter; `name` says which box (adapter, label). */
export function useDraft(name: string): [string, (text: string) => void] {
  const item = PREFIX + name;
  // Read at each render, so a box that comes to name another adapter or label shows that one's.
  const [, changed] = useState(0);
  const update = (next: string) => {
    if (next === "") sessionStorage.removeItem(item);
    else sessionStorage.setItem(item, next);
    changed((count) => count + 1);
  };
  return [sessionStorage.getItem(item) ?? "", update];
}

export function forgetDrafts(): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  }
}

/** Ctrl+Enter (⌘+Enter) in a text box sends its form, as Enter there adds a line. */
export function submitOnCtrlEnter(event: KeyboardEvent): void {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  }
}
