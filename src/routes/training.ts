/** Training jobs: start one per adapter, poll it, or follow its progress over server-sent events. */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { Problem } from "../problem";
import { unwrap } from "../storage/outcome";
import { authenticatedTenant } from "../tenants/auth";
import type { TenantEnv } from "../tenants/context";
import { tenantRoute } from "./authenticated-route";
import { earlierJob, IDEMPOTENCY_PARAMETER, idempotencyOf } from "./idempotency";
import { type JobFollower, jobChanges } from "./job-changes";
import { locate } from "./locations";
import { AdapterIdParams, jsonBody, jsonContent } from "./openapi-parts";
import {
  createdOrderPage,
  createdPosition,
  NextCursorSchema,
  type PagedList,
  PageQuerySchema,
  pageOf,
} from "./pagination";
import { problemResponses } from "./problems";
import {
  SelectionReportSchema,
  SelectionRequestSchema,
  SwitchRequestSchema,
} from "./selection-schemas";
import { assertTrainOptions, TrainRequestSchema } from "./train-request";

export const JobSchema = z
  .object({
    id: z.string(),
    adapterId: z.string(),
    kind: z.enum(["training", "selection", "switch"]).openapi({
      description:
        "training: train a head; selection: rank backbones on the samples; switch: move the adapter to another backbone and train.",
    }),
    status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
    request: z.union([TrainRequestSchema, SelectionRequestSchema, SwitchRequestSchema]),
    progress: z.object({
      stage: z.string().nullable(),
      fraction: z.number(),
      message: z.string().nullable(),
    }),
    steps: z
      .object({
        steps: z.int(),
        retries: z.int(),
        maxStepMs: z.number(),
        computeMs: z.number(),
      })
      .openapi({
        description:
          "The job runs in bounded steps, each ending with a checkpoint: steps done, steps attempted again after an interruption, the longest step and the time spent in steps.",
      }),
    error: z.object({ code: z.string(), detail: z.string() }).nullable(),
    version: z.int().nullable().openapi({ description: "The head version the job wrote." }),
    report: SelectionReportSchema.nullable().openapi({
      description: "A finished selection job's ranked report.",
    }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("Job");

const JobParams = z.object({ jobId: z.string().openapi({ param: { name: "jobId", in: "path" } }) });

const startTraining = tenantRoute({
  method: "post",
  path: "/adapters/{adapterId}/train",
  tags: ["training"],
  summary: "Start a training job (one at a time per adapter)",
  parameters: [IDEMPOTENCY_PARAMETER],
  request: { params: AdapterIdParams, body: { ...jsonBody(TrainRequestSchema), required: false } },
  responses: {
    202: jsonContent(JobSchema, "The queued job"),
    ...problemResponses([401, 404, 409, 422]),
  },
});

const listJobs = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/jobs",
  tags: ["training"],
  summary: "The adapter's training jobs, newest first",
  request: { params: AdapterIdParams, query: PageQuerySchema },
  responses: {
    200: jsonContent(
      z.object({ jobs: z.array(JobSchema), nextCursor: NextCursorSchema }),
      "Jobs, newest first",
    ),
    ...problemResponses([401, 404]),
  },
});

const getJob = tenantRoute({
  method: "get",
  path: "/jobs/{jobId}",
  tags: ["training"],
  summary: "Poll a job (training, selection or switch)",
  request: { params: JobParams },
  responses: { 200: jsonContent(JobSchema, "The job"), ...problemResponses([401, 404]) },
});

const cancelJob = tenantRoute({
  method: "post",
  path: "/jobs/{jobId}/cancel",
  tags: ["training"],
  summary:
    "Cancel a queued or running job; it stops at its next step boundary and publishes nothing",
  request: { params: JobParams },
  responses: {
    200: jsonContent(JobSchema, "The cancelled job"),
    ...problemResponses([401, 404, 409]),
  },
});

const jobEvents = tenantRoute({
  method: "get",
  path: "/jobs/{jobId}/events",
  tags: ["training"],
  summary:
    "Follow a job: one event per change, named after the job's status; the stream ends with the job",
  description:
    "Revoking the stream's key or deleting its tenant ends the stream within about a second, with an `error` event whose data is a problem (RFC 9457).",
  request: { params: JobParams },
  responses: {
    200: {
      description: "Server-sent events whose data is the Job as JSON",
      content: { "text/event-stream": { schema: z.string() } },
    },
    ...problemResponses([401, 404]),
  },
});

export function trainingRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(startTraining, async (c) => {
      const { adapterId } = c.req.valid("param");
      const request = c.req.valid("json") ?? {};
      const { store } = c.var.tenant;
      const idempotency = idempotencyOf(c, request);
      const earlier = await earlierJob(store, adapterId, "training", idempotency);
      if (earlier) return c.json(locate(c, "job", earlier), 202);
      await assertTrainOptions(store, c.var.backbones, adapterId, request);
      const job = unwrap(await store.startTraining(adapterId, request, idempotency));
      return c.json(locate(c, "job", job), 202);
    })
    .openapi(listJobs, async (c) => {
      const { adapterId } = c.req.valid("param");
      const query = c.req.valid("query");
      const list: PagedList = ["jobs", c.var.tenant.id, adapterId];
      const jobs = unwrap(
        await c.var.tenant.store.listJobs(adapterId, createdOrderPage(list, query)),
      );
      const page = pageOf(list, jobs, query.limit, createdPosition);
      return c.json({ jobs: page.items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getJob, async (c) => {
      const { jobId } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.getJob(jobId)), 200);
    })
    .openapi(cancelJob, async (c) => {
      const { jobId } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.cancelJob(jobId)), 200);
    })
    .openapi(jobEvents, async (c) => {
      const { jobId } = c.req.valid("param");
      const { tenant } = c.var;
      const first = unwrap(await tenant.store.getJob(jobId));
      return streamSSE(c, async (stream) => {
        const follower: JobFollower = {
          read: async () => unwrap(await tenant.store.getJob(jobId)),
          reauthenticate: async () => void (await authenticatedTenant(c)),
          sleep: (ms) => stream.sleep(ms),
          aborted: () => stream.aborted,
        };
        try {
          for await (const job of jobChanges(first, follower)) {
            await stream.writeSSE({ event: job.status, data: JSON.stringify(job) });
          }
        } catch (error) {
          if (!(error instanceof Problem)) throw error;
          await stream.writeSSE({ event: "error", data: JSON.stringify(error.toJSON()) });
        }
      });
    });
}
