/**
 * Backbone selection: rank the deployment's backbones (and cut layers) on an adapter's own retained
 * samples as a job, then apply the result: switch the adapter, re-embed its samples, train and
 * publish a new head version. Both are jobs of the training machinery (poll /v1/jobs/{jobId}, or
 * follow /v1/jobs/{jobId}/events), one live job per adapter.
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import { assertFinetuneCandidate } from "../selection/finetune-candidate";
import { assertRankable, selectionCandidates } from "../selection/select-backbone";
import { recommendedTarget, switchRequest } from "../selection/switch-target";
import { unwrap } from "../storage/outcome";
import type { TenantEnv } from "../tenants/context";
import { tenantRoute } from "./authenticated-route";
import { earlierJob, IDEMPOTENCY_PARAMETER, idempotencyOf } from "./idempotency";
import { locate } from "./locations";
import { AdapterIdParams, jsonBody, jsonContent } from "./openapi-parts";
import { PAGE_LIMITS } from "./pagination";
import { problemResponses } from "./problems";
import { ApplyRequestSchema, SelectionRequestSchema } from "./selection-schemas";
import { JobSchema } from "./training";

const startSelection = tenantRoute({
  method: "post",
  path: "/adapters/{adapterId}/select",
  tags: ["selection"],
  summary:
    "Rank backbones on the adapter's retained samples (cross-validated logistic head, LogME, prototype LOO, latency), and with includeFinetune frozen against top unfrozen on the leading backbone with a trainable top; the job's report holds the ranking",
  parameters: [IDEMPOTENCY_PARAMETER],
  request: {
    params: AdapterIdParams,
    body: { ...jsonBody(SelectionRequestSchema), required: false },
  },
  responses: {
    202: jsonContent(JobSchema, "The queued selection job"),
    ...problemResponses([401, 404, 409, 422]),
  },
});

const applySelection = tenantRoute({
  method: "post",
  path: "/adapters/{adapterId}/select/apply",
  tags: ["selection"],
  summary:
    "Switch the adapter to the recommended (or a named) backbone: re-embed its retained samples, train, publish and activate a new head version",
  parameters: [IDEMPOTENCY_PARAMETER],
  request: {
    params: AdapterIdParams,
    body: { ...jsonBody(ApplyRequestSchema), required: false },
  },
  responses: {
    202: jsonContent(JobSchema, "The queued switch job"),
    ...problemResponses([401, 404, 409, 422]),
  },
});

export function selectionRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(startSelection, async (c) => {
      const { adapterId } = c.req.valid("param");
      const request = c.req.valid("json") ?? {};
      const { backbones: pool } = c.var;
      const { store } = c.var.tenant;
      const idempotency = idempotencyOf(c, request);
      const earlier = await earlierJob(store, adapterId, "selection", idempotency);
      if (earlier) return c.json(locate(c, "job", earlier), 202);
      if (request.backbones || request.includeFinetune) {
        const modality = pool.modality(unwrap(await store.getAdapter(adapterId)).backbone);
        // Refused now, rather than a job that silently measures nothing.
        assertRankable(pool, modality, request.backbones);
        // 422 no-trainable-top when no candidate can have its top unfrozen.
        if (request.includeFinetune) {
          assertFinetuneCandidate(pool, selectionCandidates(pool, modality, request), modality);
        }
      }
      const job = unwrap(await store.startSelection(adapterId, request, idempotency));
      return c.json(locate(c, "job", job), 202);
    })
    .openapi(applySelection, async (c) => {
      const { adapterId } = c.req.valid("param");
      const body = c.req.valid("json") ?? {};
      const { jobId, backbone, layer, seed } = body;
      const { store } = c.var.tenant;
      const idempotency = idempotencyOf(c, body);
      const earlier = await earlierJob(store, adapterId, "switch", idempotency);
      if (earlier) return c.json(locate(c, "job", earlier), 202);
      const adapter = unwrap(await store.getAdapter(adapterId));
      // The named job, or the newest page of jobs to find the latest finished selection in.
      const named = jobId ? await store.getJob(jobId) : null;
      const jobs = named
        ? named.ok
          ? [named.value]
          : []
        : unwrap(await store.listJobs(adapterId, { limit: PAGE_LIMITS.max }));
      const target = backbone ? { backbone, layer } : recommendedTarget(adapterId, jobs, jobId);
      const request = switchRequest(c.var.backbones, adapter, target, seed);
      const job = unwrap(await store.startSwitch(adapterId, request, idempotency));
      return c.json(locate(c, "job", job), 202);
    });
}
