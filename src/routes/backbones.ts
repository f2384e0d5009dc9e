import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { BackboneManifest } from "../../models";
// Not through models/index: that registry imports every backbone, and each deployment bundles only its own.
import { adapterLayerOf } from "../../models/cut-layer";
import { BACKBONE_RUNTIMES, MANIFEST_RUNTIMES } from "../../models/manifest";
import type { AppEnv } from "../env";
import { wholeGraphRefusal } from "../exports/onnx-export";
import { EXPORT_FORMATS } from "../exports/version-export";
import { clientRateLimit } from "../rate-limit";
import type { BackbonePool } from "../runtime/backbones";
import { availabilityHere } from "../selection/candidates";
import { trainableTopOf } from "../tenants/finetune-top";
import { problemResponses } from "./problems";

const RuntimeNameSchema = z.enum(BACKBONE_RUNTIMES);

const BackboneSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    modality: z.enum(["image", "text"]),
    runtime: z.enum(MANIFEST_RUNTIMES),
    description: z.string(),
    dim: z.int().openapi({ description: "The default layer's dimension." }),
    defaultLayer: z.string().openapi({
      description:
        "The published output: the cut layer /v1/embed uses when none is named, and the one a fusion part named without a layer (`lexical+use-lite`) stands for.",
    }),
    adapterLayer: z.string().openapi({
      description:
        "The cut layer a new adapter (or a switch to this backbone) starts on when it names none: the default layer, or one its heads did better on held out across the benchmarks' data sets (use-lite: encoder-mean; the MobileNetV2s: block16-grid-2x2). A finetune adapter starts on its top's output instead.",
    }),
    layers: z.array(z.object({ name: z.string(), dim: z.int(), description: z.string() })),
    preprocessing: z.string(),
    licence: z.string(),
    source: z.string(),
    sizeBytes: z.int(),
    parameters: z.int().openapi({
      description: "Weights; runtimes hold each as float32 once loaded, whatever the file stores.",
    }),
    selection: z
      .object({
        available: z.boolean(),
        reasons: z.array(z.string()),
        estimatedPeakBytes: z.int(),
      })
      .openapi({
        description:
          "Whether selection measures it here and an adapter can be created on it: runtime carried by this deployment, licence, memory while loading (fetched files + float32 weights) within ¾ of a 128 MiB isolate, and room for its engine's wasm heap beside the other engines' in this isolate (see `load.state` `no-room`).",
      }),
    finetune: z.boolean().openapi({
      description:
        'Whether its adapters can have a "finetune" head (a trainable top declared, on a tfjs runtime).',
    }),
    exports: z.array(z.enum(EXPORT_FORMATS)).openapi({
      description:
        "The `format`s a head version on it exports as (`GET …/versions/{v}/export`): `onnx`, the whole graph, only where the network converts to ONNX; never for a finetune version or a fusion.",
    }),
    flops: z.number(),
    flopsPer: z.enum(["image", "token"]),
    weightsHash: z.string(),
    latency: z
      .object({ items: z.int(), totalMs: z.number(), msPerItem: z.number() })
      .nullable()
      .openapi({
        description:
          "Embedding time per item measured on this host by this isolate (null before its first embedding). workerd advances its clock only at I/O, so on Cloudflare's network CPU-only work may read 0.",
      }),
    load: z.object({
      state: z.enum(["unloaded", "loading", "ready", "failed", "no-room"]).openapi({
        description:
          "`no-room`: this isolate will not load it, because another runtime's wasm heap, which never shrinks, leaves it no room (`error` says how much): no adapter is created on it (422) and embedding with it answers 503 backbone-unavailable, for as long as the isolate lives.",
      }),
      loadMs: z.number().optional(),
      phases: z
        .object({ engineMs: z.number(), filesMs: z.number(), modelMs: z.number() })
        .optional()
        .openapi({
          description:
            "Where loadMs went: starting the wasm engine, reading the model files, parsing the model.",
        }),
      firstRunMs: z.number().optional().openapi({
        description: "The first embedding after loading (the first forward pass pays for warm-up).",
      }),
      runtime: RuntimeNameSchema.optional().openapi({
        description:
          "The runtime it runs on in this isolate (for `auto`: the one measured faster).",
      }),
      probeMs: z.record(z.string(), z.number()).optional().openapi({
        description: "For `auto`: the probe embedding's median time on each candidate runtime.",
      }),
      error: z.string().optional(),
    }),
  })
  .openapi("Backbone");

const RuntimeSchema = z
  .object({
    host: z.enum(["workerd", "node"]),
    runtimes: z.array(RuntimeNameSchema).openapi({
      description:
        "The runtimes this deployment carries; a backbone needing another is unavailable.",
    }),
    wasmHeapBytes: z.int().openapi({
      description:
        "Bytes reserved by the wasm heaps (tfjs, onnxruntime) in this isolate (they grow, never shrink).",
    }),
  })
  .openapi("Runtime");

const listBackbones = createRoute({
  method: "get",
  path: "/backbones",
  summary: "The frozen backbones this deployment serves, with their load state in this isolate",
  middleware: [clientRateLimit] as const,
  responses: {
    200: {
      description: "Backbones",
      content: {
        "application/json": {
          schema: z.object({ backbones: z.array(BackboneSchema), runtime: RuntimeSchema }),
        },
      },
    },
    ...problemResponses([429]),
  },
});

export function backboneRoutes() {
  return new OpenAPIHono<AppEnv>().openapi(listBackbones, (c) => {
    const pool = c.var.backbones;
    const backbones = pool.manifests().map((manifest) => describe(manifest, pool));
    return c.json(
      {
        backbones,
        runtime: { host: pool.host, runtimes: pool.runtimes, wasmHeapBytes: pool.wasmHeapBytes() },
      },
      200,
    );
  });
}

/** The public view of a manifest in this isolate: what a user chooses by, without graph internals. */
function describe(manifest: BackboneManifest, pool: BackbonePool) {
  return {
    id: manifest.id,
    version: manifest.version,
    modality: manifest.modality,
    runtime: manifest.runtime,
    description: manifest.description,
    dim: manifest.output.dim,
    defaultLayer: manifest.output.layer,
    adapterLayer: adapterLayerOf(manifest),
    layers: manifest.cutLayers.map(({ name, dim, description }) => ({ name, dim, description })),
    preprocessing: manifest.preprocessing.description,
    licence: manifest.source.licence,
    source: sourceOf(manifest.source),
    sizeBytes: manifest.sizeBytes,
    parameters: manifest.parameters,
    selection: availabilityHere(manifest, pool),
    finetune: trainableTopOf(pool, { backbone: manifest.id, layer: null }) !== null,
    exports: EXPORT_FORMATS.filter((format) => format !== "onnx" || !wholeGraphRefusal(manifest)),
    flops: manifest.flops.approx,
    flopsPer: manifest.flops.per,
    weightsHash: manifest.weightsHash,
    latency: pool.latency(manifest.id),
    load: loadOf(manifest.id, pool),
  };
}

function loadOf(id: string, pool: BackbonePool) {
  const refusal = pool.roomRefusal(id);
  if (refusal !== null) return { state: "no-room" as const, error: refusal };
  return { ...pool.state(id), firstRunMs: pool.firstRunMs(id) };
}

function sourceOf(source: BackboneManifest["source"]): string {
  if ("package" in source) return `${source.package}@${source.version}`;
  return source.provided === "builtin" ? source.upstream : "provided by the deployer";
}
