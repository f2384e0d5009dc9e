/**
 * Failed authentications per client address (AUTH_FAILURE_LIMIT in wrangler.toml). The per-key
 * limit cannot stop guessing: each guessed key is a bucket of its own, and checking a tenant key
 * costs a call to its tenant's Durable Object (a tenant id is no secret: every key shows it). So
 * every 401 of a /v1 route counts against the caller's address. Once the address is over its limit,
 * a request from it gets 429 before its credential is checked, until the period ends, unless this
 * isolate saw that credential accepted: a client with a working key behind the same address (a
 * NAT, a proxy) keeps working while the guesses are refused.
 */

import { createMiddleware } from "hono/factory";
import { sha256Hex } from "./digests";
import type { AppEnv } from "./env";
import { clientAddress, counted, RATE_LIMIT_PERIOD_SECONDS, tooManyRequests } from "./rate-limit";
import { presentedToken } from "./tenants/auth";

/**
 * The binding only counts (it cannot be asked without counting), so the isolate remembers which
 * addresses are over, until when, and which credentials it saw accepted (by hash), each in the
 * order last seen, at most REMEMBERED of each, so that many callers cannot grow the isolate.
 */
const lockedOutUntil = new Map<string, number>();
const acceptedKeys = new Map<string, true>();
const REMEMBERED = 10_000;

export const authenticationFailureLimit = createMiddleware<AppEnv>(async (c, next) => {
  const client = clientAddress(c);
  if ((lockedOutUntil.get(client) ?? 0) > Date.now()) {
    const token = presentedToken(c.req.header("authorization"));
    if (!token || !acceptedKeys.has(await sha256Hex(token))) {
      return tooManyRequests(
        c,
        "auth-failure",
        "too many failed authentications from this client address",
      );
    }
  }
  await next();
  const accepted = c.get("acceptedKeyHash");
  if (accepted) remember(acceptedKeys, accepted, true);
  else if (c.res.status === 401 && !(await counted(c, "auth-failure", client))) {
    remember(lockedOutUntil, client, Date.now() + RATE_LIMIT_PERIOD_SECONDS * 1000);
  }
});

function remember<V>(memory: Map<string, V>, key: string, value: V): void {
  memory.delete(key);
  if (memory.size >= REMEMBERED) {
    const oldest = memory.keys().next();
    if (!oldest.done) memory.delete(oldest.value);
  }
  memory.set(key, value);
}
