/**
 * Abuse limits inside workerd: /v1/embed refuses callers without a tenant key or the admin token,
 * a client over its per-IP limit gets 429 problem+json with Retry-After, and so does one that failed
 * to authenticate too often, whichever keys it guessed (the rate-limiting binding from wrangler.toml,
 * simulated by miniflare).
 */

import { describe, expect, it } from "vitest";
import { tenantIdOfKey } from "../../src/tenants/key-shape";
import { admin, bindings, createTenant, fetchWorker } from "./tenants/client";

function embed(headers: Record<string, string>): Promise<Response> {
  return fetchWorker("http://edge/v1/embed", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ backbone: "use-lite", inputs: ["a kitten sleeping"] }),
  });
}

async function expectProblem(response: Response, status: number, slug: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(((await response.json()) as { type: string }).type).toBe(`/problems/${slug}`);
}

describe("/v1/embed access", () => {
  it("refuses a missing or invalid credential with 401", async () => {
    await expectProblem(await embed({}), 401, "unauthorized");
    await expectProblem(await embed({ authorization: "Bearer nope" }), 401, "unauthorized");
    const unknownKey = `eak_t_${"0".repeat(24)}_${"A".repeat(43)}`;
    await expectProblem(
      await embed({ authorization: `Bearer ${unknownKey}` }),
      401,
      "unauthorized",
    );
  });

  it("serves the admin token and a tenant key", async () => {
    expect((await embed({ authorization: `Bearer ${bindings.ADMIN_TOKEN}` })).status).toBe(200);
    const tenant = await createTenant("embedder");
    expect((await embed({ authorization: `Bearer ${tenant.key}` })).status).toBe(200);
  });
});

describe("per-IP rate limit", () => {
  it("answers 429 with Retry-After once a client is over its limit, and only that client", async () => {
    // A fixed window of 60 s: within 2 × limit + 1 requests the limit is reached at least once,
    // even if a window ends in between. The limit comes from wrangler.toml (120 per 60 s).
    const client = { "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 250)}` };
    const listBackbones = (headers: Record<string, string>) =>
      fetchWorker("http://edge/v1/backbones", { headers });
    let refused: Response | undefined;
    for (let sent = 0; sent <= 2 * 120 && !refused; sent++) {
      const response = await listBackbones(client);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused).toBeDefined();
    const response = refused as Response;
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectProblem(response, 429, "rate-limited");
    expect((await listBackbones({ "cf-connecting-ip": "198.51.100.7" })).status).toBe(200);
  });
});

describe("failed authentications per IP", () => {
  it("locks out an address that guesses keys, before checking any key this isolate has not seen accepted", async () => {
    const tenant = await createTenant("guessed");
    const tenantId = tenantIdOfKey(tenant.key) as string;
    const issued = await admin.v1.tenants[":tenantId"].keys.$post({ param: { tenantId } });
    const unseen = (await issued.json()).key;
    const guesser = { "cf-connecting-ip": `192.0.2.${Math.floor(Math.random() * 250)}` };
    const elsewhere = { "cf-connecting-ip": "198.51.100.9" };
    const listAdapters = (key: string, headers: Record<string, string>) =>
      fetchWorker("http://edge/v1/adapters", {
        headers: { authorization: `Bearer ${key}`, ...headers },
      });
    expect((await listAdapters(tenant.key, elsewhere)).status).toBe(200);
    // Each guess is a fresh token, so a fresh per-key bucket: only the per-address count stops it.
    // Admin-token guesses (tenant-key guesses would do, but each costs miniflare's simulated
    // per-key limit a bucket, and its time grows with their number). A fixed window of 60 s:
    // within 2 × limit + 1 the limit (300, wrangler.toml) is reached. 25 at a time.
    let refused: Response | undefined;
    for (let sent = 0; sent <= 2 * 300 && !refused; sent += 25) {
      const guesses = Array.from({ length: 25 }, (_, i) =>
        listAdapters(`admin-guess-${sent + i}`, guesser),
      );
      for (const response of await Promise.all(guesses)) {
        if (response.status === 429 && !refused) refused = response;
        else {
          expect([401, 429]).toContain(response.status);
          // Read, or the open answers hold the isolate's connections and the next requests wait.
          await response.arrayBuffer();
        }
      }
    }
    expect(refused).toBeDefined();
    await expectProblem(refused as Response, 429, "rate-limited");
    // Locked out: a key never accepted here is not even checked from that address for now, a
    // guessed tenant key (no call to its tenant's object) as a valid one …
    const guessed = `eak_${tenantId}_${"0".repeat(43)}`;
    await expectProblem(await listAdapters(guessed, guesser), 429, "rate-limited");
    await expectProblem(await listAdapters(unseen, guesser), 429, "rate-limited");
    expect((await listAdapters(unseen, elsewhere)).status).toBe(200);
    // … while one this isolate accepted before still works from it (a client behind the same NAT).
    expect((await listAdapters(tenant.key, guesser)).status).toBe(200);
  });
});
