/** Samples: labelled uploads, embedded once with the adapter's backbone and stored per adapter. */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { BackboneInput } from "../../models";
import { toBackboneInputs } from "../runtime/backbone-inputs";
import { unwrap } from "../storage/outcome";
import { TENANT_LIMITS } from "../tenant-limits";
import { adapterBackbone } from "../tenants/adapter-backbone";
import type { TenantEnv } from "../tenants/context";
import { readRawSample, storeSamples } from "../tenants/samples";
import { tenantRoute } from "./authenticated-route";
import { chooseBody } from "./body-form";
import { TruncateQuery, truncated } from "./inputs";
import { jsonBatchLimit } from "./json-batch-limit";
import { AdapterIdParams, jsonContent } from "./openapi-parts";
import {
  NextCursorSchema,
  numberedPage,
  type PagedList,
  PageQuerySchema,
  pageOf,
} from "./pagination";
import { problemResponses } from "./problems";
import {
  FormSamplesSchema,
  fromFormSamples,
  fromJsonSamples,
  JsonSamplesSchema,
  LabelSchema,
} from "./sample-inputs";

const SampleCountsSchema = z
  .object({
    total: z.int(),
    labels: z.array(z.object({ label: z.string(), count: z.int() })),
  })
  .openapi("SampleCounts");

const UploadResultSchema = z
  .object({
    added: z.int(),
    duplicates: z.int().openapi({
      description: "Samples whose content the adapter already held (kept as they were).",
    }),
    samples: z.array(
      z.object({
        id: z.string(),
        status: z.enum(["added", "duplicate"]),
        label: z.string().optional().openapi({
          description:
            "For a duplicate: the label it is stored under (the first upload's; a different label sent now is not applied).",
        }),
      }),
    ),
    counts: SampleCountsSchema,
  })
  .openapi("SampleUploadResult");

const SampleSummarySchema = z
  .object({
    id: z.string(),
    label: z.string(),
    contentHash: z.string().openapi({
      description:
        "SHA-256 (hex) of the exact text or image bytes; reports' per-sample lists use it.",
    }),
    retained: z.boolean().openapi({
      description: "Whether the raw upload is kept, readable at …/samples/{sampleId}/raw.",
    }),
    createdAt: z.string(),
  })
  .openapi("Sample");

const SampleListSchema = SampleCountsSchema.extend({
  items: z.array(SampleSummarySchema).openapi({
    description: "A page of samples, in upload order (a request's samples as it sent them).",
  }),
  nextCursor: NextCursorSchema,
}).openapi("SampleList");

const SampleParams = AdapterIdParams.extend({
  sampleId: z.string().openapi({ param: { name: "sampleId", in: "path" } }),
});

const uploadSamples = tenantRoute(
  {
    method: "post",
    path: "/adapters/{adapterId}/samples",
    tags: ["samples"],
    summary: "Upload labelled samples (JSON texts or base64 images, or multipart image files)",
    request: {
      params: AdapterIdParams,
      query: z.strictObject(TruncateQuery),
      body: {
        content: {
          "application/json": { schema: JsonSamplesSchema },
          "multipart/form-data": { schema: FormSamplesSchema },
        },
      },
    },
    responses: {
      201: jsonContent(UploadResultSchema, "Stored (new) and recognised (duplicate) samples"),
      ...problemResponses([401, 404, 409, 413, 415, 422, 503]),
    },
  },
  jsonBatchLimit("samples", TENANT_LIMITS.samplesPerRequest),
);

const listSamples = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/samples",
  tags: ["samples"],
  summary:
    "Count the adapter's samples per label, and list a page of them (of one label, if given)",
  request: {
    params: AdapterIdParams,
    query: PageQuerySchema.extend({ label: LabelSchema.optional() }),
  },
  responses: {
    200: jsonContent(SampleListSchema, "Counts and a page of samples"),
    ...problemResponses([401, 404, 422]),
  },
});

const readRaw = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/samples/{sampleId}/raw",
  tags: ["samples"],
  summary: "The sample's upload as sent: the image bytes or the text",
  request: { params: SampleParams },
  responses: {
    200: {
      description: "The raw upload",
      content: {
        "image/png": { schema: z.string().openapi({ format: "binary" }) },
        "image/jpeg": { schema: z.string().openapi({ format: "binary" }) },
        "text/plain": { schema: z.string() },
      },
    },
    ...problemResponses([401, 404]),
  },
});

const deleteSample = tenantRoute({
  method: "delete",
  path: "/adapters/{adapterId}/samples/{sampleId}",
  tags: ["samples"],
  summary: "Delete one sample (refused while a job of the adapter is live)",
  request: { params: SampleParams },
  responses: {
    200: jsonContent(z.object({ deleted: z.int() }), "Deleted"),
    ...problemResponses([401, 404, 409]),
  },
});

const deleteLabel = tenantRoute({
  method: "delete",
  path: "/adapters/{adapterId}/samples",
  tags: ["samples"],
  summary: "Delete every sample with a label (refused while a job of the adapter is live)",
  request: { params: AdapterIdParams, query: z.strictObject({ label: LabelSchema }) },
  responses: {
    200: jsonContent(z.object({ deleted: z.int() }), "Deleted"),
    ...problemResponses([401, 404, 409, 422]),
  },
});

export function sampleRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(uploadSamples, async (c) => {
      const { adapterId } = c.req.valid("param");
      const { tenant, backbones } = c.var;
      const adapter = unwrap(await tenant.store.getAdapter(adapterId));
      const manifest = adapterBackbone(backbones, adapter);
      const body = chooseBody<z.infer<typeof JsonSamplesSchema>, z.infer<typeof FormSamplesSchema>>(
        c.req.header("content-type"),
        c.req.valid("json"),
        c.req.valid("form"),
      );
      const sent =
        body.kind === "form"
          ? await fromFormSamples(body.form, TENANT_LIMITS.samplesPerRequest)
          : fromJsonSamples(body.json);
      const labelled =
        c.req.valid("query").truncate === "true"
          ? sent.map((sample) => ({ ...sample, raw: truncated(sample.raw) }))
          : sent;
      const inputs = await toBackboneInputs(
        manifest,
        labelled.map((sample) => sample.raw),
        TENANT_LIMITS.samplesPerRequest,
      );
      const uploads = labelled.map((sample, index) => ({
        ...sample,
        input: inputs[index] as BackboneInput,
      }));
      const samples = await storeSamples(tenant, adapter, backbones, c.env.SAMPLES, uploads);
      const added = samples.filter((sample) => sample.status === "added").length;
      const counts = unwrap(await tenant.store.sampleCounts(adapterId));
      return c.json({ added, duplicates: samples.length - added, samples, counts }, 201);
    })
    .openapi(listSamples, async (c) => {
      const { adapterId } = c.req.valid("param");
      const query = c.req.valid("query");
      const { store, id: tenantId } = c.var.tenant;
      const list: PagedList = ["samples", tenantId, adapterId];
      const rows = unwrap(
        await store.listSamples(adapterId, numberedPage(list, query), query.label),
      );
      const counts = unwrap(await store.sampleCounts(adapterId));
      const page = pageOf(list, rows, query.limit, (row) => row.position);
      const items = page.items.map((row) => row.sample);
      return c.json({ ...counts, items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(readRaw, async (c) => {
      const { adapterId, sampleId } = c.req.valid("param");
      const raw = await readRawSample(c.var.tenant, c.env.SAMPLES, adapterId, sampleId);
      return c.body(raw.body, 200, { "content-type": raw.contentType });
    })
    .openapi(deleteSample, async (c) => {
      const { adapterId, sampleId } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.deleteSample(adapterId, sampleId)), 200);
    })
    .openapi(deleteLabel, async (c) => {
      const { adapterId } = c.req.valid("param");
      const { label } = c.req.valid("query");
      return c.json(unwrap(await c.var.tenant.store.deleteSamplesByLabel(adapterId, label)), 200);
    });
}
