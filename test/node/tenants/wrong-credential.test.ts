/**
 * A valid credential on routes it does not open is told so: the admin token on a tenant route was
 * answered "the API key is missing, wrong or revoked", and a tenant key on an admin route "the admin
 * token is missing, wrong or revoked", as if the credential were bad. Neither reaches a Durable
 * Object, so this runs in plain Node through the real app.
 */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import type { BackbonePool } from "../../../src/runtime/backbones";
import { issueApiKey } from "../../../src/tenants/keys";

const ADMIN_TOKEN = "admin-token-for-this-test";

async function detailOf(path: string, token: string): Promise<{ status: number; detail: string }> {
  const app = createApp(() => ({}) as BackbonePool);
  const response = await app.request(
    path,
    { headers: { authorization: `Bearer ${token}` } },
    { ADMIN_TOKEN },
  );
  const { detail } = (await response.json()) as { detail: string };
  return { status: response.status, detail };
}

describe("a credential on routes it does not open", () => {
  it("says the admin token does not open tenant routes", async () => {
    for (const path of ["/v1/adapters", "/v1/tenant", "/v1/jobs/j_1/events"]) {
      expect(await detailOf(path, ADMIN_TOKEN)).toEqual({
        status: 401,
        detail:
          "the admin token opens the admin routes (/v1/tenants…) and /v1/embed, not this one: send a tenant API key",
      });
    }
  });

  it("says a tenant API key does not open admin routes", async () => {
    const { key } = await issueApiKey("t_0123456789abcdef01234567");
    expect(await detailOf("/v1/tenants", key)).toEqual({
      status: 401,
      detail: "a tenant API key does not open the admin routes: send the admin token",
    });
  });

  it("keeps the plain refusal for a wrong token", async () => {
    expect(await detailOf("/v1/adapters", "not-a-key")).toEqual({
      status: 401,
      detail: "the API key is missing, wrong or revoked",
    });
    expect(await detailOf("/v1/tenants", "not-the-token")).toEqual({
      status: 401,
      detail: "the admin token is missing, wrong or revoked",
    });
  });
});
