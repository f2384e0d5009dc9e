/** Adapters: a tenant's tasks, each bound to one backbone or a fusion of two (pinned to their weights) and a head type. */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ADAPTER_HEAD_TYPES } from "../../adapters";
import { unwrap } from "../storage/outcome";
import { bindingFor } from "../tenants/adapter-backbone";
import type { TenantEnv } from "../tenants/context";
import { finetuneTop } from "../tenants/finetune-top";
import { tenantRoute } from "./authenticated-route";
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
import { IdSchema, REQUEST_BOUNDS } from "./request-bounds";
import { textField } from "./text-fields";

const FUSION_SYNTAX =
  "`<backbone>[:<layer>]+<backbone>[:<layer>]`, e.g. `lexical+use-lite` or `mobilenet-v2:pooled+mobilenet-v2:block12`; predictions embed with both";

export const HeadTypeSchema = z.enum(ADAPTER_HEAD_TYPES).openapi({
  description:
    'The kind of head trained on the embeddings. "finetune" also trains the backbone\'s top layer, per tenant (only the backbones that declare a trainable top: mobilenet-v2, mobilenet-v2-100; others are refused with a 422).',
});

export const AdapterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    backbone: z.string().openapi({
      description: `The backbone, or a fusion of two: ${FUSION_SYNTAX}.`,
    }),
    backboneVersion: z
      .string()
      .openapi({ description: "A fusion's parts' versions, joined by +." }),
    weightsHash: z.string().openapi({
      description:
        "The backbone weights the adapter's heads are pinned to (a fusion's: its parts' hashes, joined by +).",
    }),
    dim: z.int(),
    layer: z.string().nullable().openapi({
      description:
        "The backbone's cut layer the embeddings come from (null: its default output, or a fusion, whose id names its layers).",
    }),
    blocks: z.array(z.int()).nullable().openapi({
      description:
        "A fusion's block dims, in order: each part's vector, concatenated, balanced by the head (null: one backbone).",
      example: null,
    }),
    headType: HeadTypeSchema,
    activeVersion: z.int().nullable().openapi({
      description: "The head version predictions use; null before the first training.",
    }),
    createdAt: z.string(),
  })
  .openapi("Adapter");

export const NewAdapterSchema = z
  .strictObject({
    name: textField(REQUEST_BOUNDS.nameLength),
    backbone: IdSchema.openapi({
      description: `A backbone id, or a fusion of two of the same modality: ${FUSION_SYNTAX}.`,
      example: "use-lite",
    }),
    layer: IdSchema.optional().openapi({
      description:
        "A cut layer of `backbone` from GET /v1/backbones (default: the backbone's `adapterLayer` there; for a finetune head, the layer its trainable top ends in). A fusion names its layers in its id.",
      example: "pooled",
    }),
    headType: HeadTypeSchema.default("logistic"),
  })
  .openapi("NewAdapter");

const createAdapter = tenantRoute({
  method: "post",
  path: "/adapters",
  tags: ["adapters"],
  summary: "Create an adapter bound to a backbone and a head type",
  request: { body: jsonBody(NewAdapterSchema) },
  responses: {
    201: jsonContent(AdapterSchema, "The new adapter"),
    ...problemResponses([401, 404, 422]),
  },
});

const listAdapters = tenantRoute({
  method: "get",
  path: "/adapters",
  tags: ["adapters"],
  summary: "List the tenant's adapters",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonContent(
      z.object({ adapters: z.array(AdapterSchema), nextCursor: NextCursorSchema }),
      "Adapters, oldest first",
    ),
    ...problemResponses([401]),
  },
});

const getAdapter = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}",
  tags: ["adapters"],
  summary: "Inspect an adapter",
  request: { params: AdapterIdParams },
  responses: { 200: jsonContent(AdapterSchema, "The adapter"), ...problemResponses([401, 404]) },
});

const deleteAdapter = tenantRoute({
  method: "delete",
  path: "/adapters/{adapterId}",
  tags: ["adapters"],
  summary: "Delete an adapter with its samples, jobs and head versions (refused while it trains)",
  request: { params: AdapterIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses([401, 404, 409]) },
});

export function adapterRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(createAdapter, async (c) => {
      const { name, backbone, layer, headType } = c.req.valid("json");
      const binding = bindingFor(c.var.backbones, backbone, layer, { headType });
      if (headType === "finetune") finetuneTop(c.var.backbones, binding);
      const adapter = await c.var.tenant.store.createAdapter({ name, headType, ...binding });
      return c.json(locate(c, "adapter", unwrap(adapter)), 201);
    })
    .openapi(listAdapters, async (c) => {
      const query = c.req.valid("query");
      const list: PagedList = ["adapters", c.var.tenant.id];
      const adapters = unwrap(await c.var.tenant.store.listAdapters(createdOrderPage(list, query)));
      const page = pageOf(list, adapters, query.limit, createdPosition);
      return c.json({ adapters: page.items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getAdapter, async (c) => {
      const { adapterId } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.getAdapter(adapterId)), 200);
    })
    .openapi(deleteAdapter, async (c) => {
      const { adapterId } = c.req.valid("param");
      unwrap(await c.var.tenant.store.deleteAdapter(adapterId));
      return c.body(null, 204);
    });
}
