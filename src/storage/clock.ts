/** Timestamps are ISO-8601 UTC strings everywhere: sortable as text and readable in responses. */
export function now(): string {
  return new Date().toISOString();
}
