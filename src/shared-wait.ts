/**
 * Waiting on what another request is doing. workerd cancels, as hung, a request whose only pending
 * work is a promise that another request (or a Durable Object's alarm) will settle: a backbone's load
 * started by another request, or room in the isolate that another request's work will free. So such
 * a request waits on a timer of its own, looking again every few milliseconds.
 */

/** How often a waiting request looks again (a forward pass takes 15–250 ms). */
export const POLL_MS = 10;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The promise's outcome, waited for by polling (see above) unless it has settled already: for a
 * promise another request may settle (a load, or a read that concurrent requests share).
 */
export async function awaitShared<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const markSettled = () => {
    settled = true;
  };
  promise.then(markSettled, markSettled);
  // A settled promise's callbacks run before this continuation: then no timer at all.
  await Promise.resolve();
  while (!settled) await sleep(POLL_MS);
  return promise;
}
