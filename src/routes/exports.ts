/**
 * Exporting a head version as a self-contained model (ONNX: backbone + head, or the head alone) or
 * as a readable JSON document. A version never changes, so the answer carries an ETag and may be
 * kept by the client's own (private) cache; If-None-Match with that ETag is answered 304.
 */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import { EXPORT_FORMATS, versionExport } from "../exports/version-export";
import type { TenantEnv } from "../tenants/context";
import { HeadTypeSchema } from "./adapters";
import { tenantRoute } from "./authenticated-route";
import { problemResponses } from "./problems";
import { VersionParams } from "./versions";

const ExportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS).openapi({
    description:
      "`onnx`: the backbone up to the cut layer plus the head, one ONNX graph from image tensor to probabilities (image backbones with a tfjs graph; others answer 422). `onnx-head`: the head alone as ONNX, fed the embedding /v1/embed returns. `json`: the head's weights and steps as JSON.",
    example: "onnx",
  }),
});

const HeadStepSchema = z
  .union([
    z.object({
      op: z.literal("standardize"),
      mean: z.array(z.number()),
      scale: z.array(z.number()),
    }),
    z.object({ op: z.literal("l2-normalize") }),
    z.object({
      op: z.literal("linear"),
      weights: z.array(z.array(z.number())),
      bias: z.array(z.number()),
    }),
    z.object({ op: z.literal("relu") }),
  ])
  .openapi("HeadStep");

const HeadDocumentSchema = z
  .object({
    schema: z.literal("edge-adapt/head"),
    schemaVersion: z.int(),
    adapterId: z.string(),
    version: z.int(),
    createdAt: z.string(),
    headType: HeadTypeSchema,
    backbone: z
      .object({
        id: z.string(),
        version: z.string(),
        weightsHash: z.string(),
        layer: z.string(),
        dim: z.int(),
      })
      .openapi({
        description: "The backbone weights and cut layer whose embeddings the head takes.",
      }),
    input: z.string(),
    labels: z.array(z.string()),
    steps: z.array(HeadStepSchema).openapi({
      description: "Applied in order to one embedding, they give one logit per label.",
    }),
    temperature: z.number(),
    abstainThreshold: z.number().nullable(),
    output: z.string().openapi({ description: "How to turn the logits into /predict's answer." }),
  })
  .openapi("HeadDocument");

const exportVersion = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/versions/{version}/export",
  tags: ["versions"],
  summary:
    "Export a head version: ONNX (backbone + head, or the head alone) or JSON, pinned to the backbone weights and cut layer",
  description:
    "The ONNX model's input, outputs, labels, temperature and abstain threshold are in its metadata (metadata_props) and doc string; see the README's API section.",
  request: { params: VersionParams, query: ExportQuerySchema },
  responses: {
    200: {
      description: "The exported model, as an attachment",
      content: {
        "application/octet-stream": {
          schema: z.string().openapi({ format: "binary", description: "An ONNX model (opset 13)" }),
        },
        "application/json": { schema: HeadDocumentSchema },
      },
    },
    304: { description: "Not modified: If-None-Match names the current ETag" },
    ...problemResponses([401, 404, 409, 422]),
  },
});

/** A version is immutable: the client may keep it, but no shared cache (it is a tenant's data). */
const CACHE_CONTROL = "private, max-age=31536000, immutable";

export function exportRoutes() {
  return new OpenAPIHono<TenantEnv>().openapi(exportVersion, async (c) => {
    const { adapterId, version } = c.req.valid("param");
    const { format } = c.req.valid("query");
    const exported = await versionExport(
      { store: c.var.tenant.store, heads: c.env.HEADS, backbones: c.var.backbones },
      adapterId,
      version,
      format,
    );
    const headers = {
      etag: exported.etag,
      "cache-control": CACHE_CONTROL,
      "content-disposition": `attachment; filename="${exported.filename}"`,
    };
    if (matchesEtag(c.req.header("if-none-match"), exported.etag)) {
      return c.body(null, 304, headers);
    }
    const body = await exported.body();
    const contentType = { "content-type": exported.contentType };
    if (typeof body === "string") return c.body(body, 200, { ...headers, ...contentType });
    return c.body(body.stream, 200, {
      ...headers,
      ...contentType,
      "content-length": String(body.byteLength),
    });
  });
}
/** If-None-Match: `*`, or a list of entity tags (weak ones compared weakly, RFC 9110 §13.1.2). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
