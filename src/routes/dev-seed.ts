/**
 * Development only: `POST /v1/dev/clone-tenant` copies one trained tenant's serving records and
 * active head into `count` new tenants that exist only in KV: what a prediction reads once the
 * records are written (src/tenants/serving.ts). The tenant benchmark (bench/tenants) needs 10,000
 * tenants, which the API cannot set up in time on a small machine (embedding and training each).
 * The clones have no Durable Object state, so any call other than predict answers as for an unknown
 * tenant. Answers 404 unless the deployment sets DEV_SEEDING = "on" (the benchmark passes it to
 * `wrangler dev`), and takes the admin token; it is left out of the OpenAPI document.
 * Each clone has a second adapter, the same head under its own id, whose record leaves the head out
 * (as records of heads over src/storage/inline-head.ts's bound do): predicting with it reads the
 * records, then the head's key, so the benchmark times both paths side by side.
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { headKey, readHeadBytes } from "../storage/heads";
import { isIdOf, newId } from "../storage/ids";
import { type AdapterServingRecord, servingRecordName } from "../storage/serving-records";
import { adminAuth } from "../tenants/auth";
import { issueApiKey } from "../tenants/keys";

const MAX_CLONES_PER_REQUEST = 200;

const CloneRequest = z.object({
  tenantId: z.string().refine((id) => isIdOf("t", id), "a tenant id"),
  adapterId: z.string().refine((id) => isIdOf("a", id), "an adapter id"),
  count: z.int().min(1).max(MAX_CLONES_PER_REQUEST),
});

export interface Clone {
  tenantId: string;
  adapterId: string;
  /** The same head, its record without the head's bytes (two KV reads for a cold prediction). */
  separateHeadAdapterId: string;
  key: string;
}

export function devSeedRoutes() {
  return new Hono<AppEnv>()
    .use("/dev/clone-tenant", async (c, next) => {
      // Off, the route answers every method (and any token) as a path the API does not have.
      if (c.env.DEV_SEEDING !== "on") {
        throw new Problem(404, "not-found", `no route for ${c.req.method} ${c.req.path}`);
      }
      await next();
    })
    .post("/dev/clone-tenant", adminAuth, async (c) => {
      const parsed = CloneRequest.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) throw new Problem(422, "invalid-request", parsed.error.message);
      const { tenantId, adapterId, count } = parsed.data;
      const kv = c.env.HEADS;
      const name = servingRecordName({ kind: "adapter", tenantId, adapterId });
      const template = await kv.get<AdapterServingRecord>(name, "json");
      const head =
        template && (await readHeadBytes(kv, headKey(tenantId, adapterId, template.activeVersion)));
      if (!template || !head) {
        throw new Problem(404, "adapter-not-found", "the template adapter has no published head");
      }
      const clones = await Promise.all(
        Array.from({ length: count }, () => cloneInto(kv, template, head)),
      );
      return c.json({ clones }, 201);
    });
}

async function cloneInto(
  kv: KVNamespace,
  template: AdapterServingRecord,
  head: Uint8Array,
): Promise<Clone> {
  const tenantId = newId("t");
  const adapterId = newId("a");
  const separateHeadAdapterId = newId("a");
  const { key, hash } = await issueApiKey(tenantId);
  const { head: inline, ...withoutHead } = template;
  const adapters = [
    { ...template, id: adapterId },
    { ...withoutHead, id: separateHeadAdapterId },
  ];
  await Promise.all([
    kv.put(
      servingRecordName({ kind: "key", tenantId, keyHash: hash }),
      JSON.stringify({ tenantId }),
    ),
    ...adapters.flatMap((record) => [
      kv.put(
        servingRecordName({ kind: "adapter", tenantId, adapterId: record.id }),
        JSON.stringify(record),
      ),
      kv.put(headKey(tenantId, record.id, template.activeVersion), head),
    ]),
  ]);
  return { tenantId, adapterId, separateHeadAdapterId, key };
}
