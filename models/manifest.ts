/**
 * The manifest of a backbone: what it is, how to feed it, where to cut it, and which exact bytes it is.
 *
 * `models/<id>/manifest.json` is committed. `models/prepare.ts` checks the npm package's files against
 * `files.source` and the prepared `models/dist/<id>/` files against `files.prepared`; `weightsHash`
 * (the sha256 of the file holding the weights: `weights.bin`, or `model.onnx` for an ONNX-only
 * backbone) is what trained heads pin, so a changed package cannot silently change the embedding space
 * under them.
 *
 * `runtime` says what runs the backbone: `tfjs-graph` (a converted TensorFlow graph: model.json +
 * weights.bin on tfjs's wasm backend), `tfjs-layers` (a Keras model in tfjs-layers format, same files,
 * same wasm backend), `onnx` (model.onnx on onnxruntime-web's wasm backend), or `auto`: the faster of
 * tfjs-graph and onnx that the deployment carries, measured on the host at first load
 * (src/runtime/auto-runtime.ts). The files each runtime needs must be prepared files.
 *
 * `lexical` is plain TypeScript (models/lexical): no graph, no files and no wasm, so every deployment
 * can run it. Its `weightsHash` is the sha256 of its featurizer parameters as JSON (checked when it
 * loads), so heads pin those parameters as they pin a network's weights.
 */

import { z } from "zod";
import { type Grid, gridPooledDim } from "./grid-pooling";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex sha256");

const FileEntry = z.object({
  path: z.string().min(1),
  bytes: z.int().nonnegative(),
  sha256: Sha256,
});

const GraphInput = z.object({
  /** Placeholder node name in the graph. */
  name: z.string().min(1),
  /** -1 marks a free dimension (batch size, number of tokens). */
  shape: z.array(z.int().min(-1)),
  dtype: z.enum(["float32", "int32"]),
});

const ImagePreprocessing = z.object({
  kind: z.literal("image"),
  formats: z.array(z.enum(["jpeg", "png"])).min(1),
  /** Most pixels (width × height) a source image may have; larger ones are refused before decoding. */
  maxPixels: z.int().positive(),
  crop: z.literal("center-square"),
  resize: z.object({
    method: z.literal("bilinear"),
    sampling: z.literal("half-pixel-centers"),
    width: z.int().positive(),
    height: z.int().positive(),
  }),
  /** Channel value fed to the graph = byte / divisor (the graph itself maps [0,1] further if it wants). */
  scale: z.object({ divisor: z.number().positive() }),
  description: z.string(),
});

const TextPreprocessing = z.object({
  kind: z.literal("text"),
  tokenizer: z.literal("sentencepiece-unigram"),
  vocab: z.string().min(1),
  normalization: z.literal("NFKC"),
  unknownId: z.int().nonnegative(),
  description: z.string(),
});

/** The lexical baseline: hashed word and character n-grams (models/lexical/hashed-ngrams.ts). */
const HashedNgramPreprocessing = z.object({
  kind: z.literal("text"),
  tokenizer: z.literal("hashed-ngrams"),
  normalization: z.literal("NFKC"),
  parameters: z.object({
    buckets: z.int().positive(),
    wordNgrams: z.tuple([z.int().positive(), z.int().positive()]),
    charNgrams: z.tuple([z.int().positive(), z.int().positive()]),
  }),
  description: z.string(),
});

const CutLayerFields = {
  /** Stable public name, used as `embed(…, { layer })`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  /** Graph node to fetch (for ONNX: the model output of that name). */
  node: z.string().min(1),
  dim: z.int().positive(),
  /**
   * The node's output shape, -1 where free; the ONNX signature check compares it with the model's.
   * Defaults to [-1, dim] when pooling is "none"; a feature map must state its [-1, H, W, dim].
   */
  shape: z.array(z.int().min(-1)).optional(),
  description: z.string(),
};

/**
 * How the node's output becomes the layer's vectors: "none" takes it as it is; "global-average"
 * averages a [N,H,W,C] feature map over H and W into [N,C]; "grid-average" keeps a coarse layout,
 * the means over the `grid`'s windows, flattened (./grid-pooling.ts).
 */
const CutLayer = z.discriminatedUnion("pooling", [
  z.object({ ...CutLayerFields, pooling: z.enum(["none", "global-average"]) }),
  z.object({
    ...CutLayerFields,
    pooling: z.literal("grid-average"),
    grid: z.object({ window: z.int().positive(), stride: z.int().positive() }),
  }),
]);

/** Folding a batch norm that follows a convolution into its kernel and bias (Keras models keep it apart). */
const FoldedBatchNorm = z.object({
  gamma: z.string().min(1),
  beta: z.string().min(1),
  movingMean: z.string().min(1),
  movingVariance: z.string().min(1),
  epsilon: z.number().positive(),
});

/**
 * The top of an image network that a "finetune" head retrains per tenant (issue 12): one 1×1
 * convolution from the `cut` feature map, ReLU6, global average pooling, which yields exactly the
 * `output` cut layer frozen heads see. The convolution's weights are named as in model.json's
 * weights manifest, so they are read from the prepared weights.bin the backbone itself loads.
 */
const TrainableTop = z.object({
  /** Cut layer the top starts from: a feature map with a declared [-1, H, W, C] shape. */
  cut: z.string().min(1),
  /** Cut layer the top ends in (its pooled output). */
  output: z.string().min(1),
  conv: z.object({
    /** [1, 1, C, C'] kernel. */
    kernel: z.string().min(1),
    /** [C'] bias (a converted graph's folded batch norm offset). */
    bias: z.string().min(1).optional(),
    batchNorm: FoldedBatchNorm.optional(),
  }),
  activation: z.literal("relu6"),
  pooling: z.literal("global-average"),
  description: z.string(),
});

/** Weights taken from an installed npm package by `npm run models`. */
const NpmSource = z.object({
  package: z.string().min(1),
  version: z.string().min(1),
  /** Folder inside the package that holds the source files. */
  directory: z.string(),
  licence: z.enum(["MIT", "Apache-2.0"]),
  upstream: z.string(),
});

/** Code of this repository, with nothing to download or place. */
const BuiltinSource = z.object({
  provided: z.literal("builtin"),
  licence: z.enum(["MIT", "Apache-2.0"]),
  upstream: z.string(),
});

/** A model the deployer brings (models/DEPLOYMENT.md): its files are placed, not prepared. */
const UserSource = z.object({
  provided: z.literal("user"),
  licence: z.string().min(1),
  upstream: z.string(),
});

/** What can run a backbone (see the header). */
export const BACKBONE_RUNTIMES = ["tfjs-graph", "tfjs-layers", "onnx", "lexical"] as const;
export type BackboneRuntime = (typeof BACKBONE_RUNTIMES)[number];

/** What a manifest may ask for: one runtime, or `auto` to measure which is faster. */
export const MANIFEST_RUNTIMES = [...BACKBONE_RUNTIMES, "auto"] as const;

/** The prepared files each runtime loads. */
export const RUNTIME_FILES: Readonly<Record<BackboneRuntime, readonly string[]>> = {
  "tfjs-graph": ["model.json", "weights.bin"],
  "tfjs-layers": ["model.json", "weights.bin"],
  onnx: ["model.onnx"],
  lexical: [],
};

/** Runtimes that are plain TypeScript: every host carries them, with no engine to start. */
export const ENGINELESS_RUNTIMES: readonly BackboneRuntime[] = ["lexical"];

export const BackboneManifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    modality: z.enum(["image", "text"]),
    runtime: z.enum(MANIFEST_RUNTIMES),
    description: z.string(),
    /** The graph's input placeholders (none for `lexical`, which has no graph). */
    inputs: z.array(GraphInput),
    preprocessing: z.union([ImagePreprocessing, TextPreprocessing, HashedNgramPreprocessing]),
    /**
     * The default embedding: the network's published output, what /v1/embed gives when no layer is
     * named and what a fusion part named without a layer stands for.
     */
    output: z.object({ layer: z.string(), node: z.string().min(1), dim: z.int().positive() }),
    cutLayers: z.array(CutLayer).min(1),
    /**
     * The cut layer a new adapter starts on when it names none, where that is not `output`: the
     * layer its heads did better on held out, across the benchmarks' data sets
     * (bench/results/selection.md, bench/results/heads.md). Stored adapters keep the layer they
     * were bound to.
     */
    adapterLayer: z.string().optional(),
    /** Present when a "finetune" head can retrain the network's top (see TrainableTop). */
    trainableTop: TrainableTop.optional(),
    files: z.object({ source: z.array(FileEntry), prepared: z.array(FileEntry) }),
    /** sha256 of the prepared file holding the weights (see weightsFile), or of lexical parameters. */
    weightsHash: Sha256,
    source: z.union([NpmSource, UserSource, BuiltinSource]),
    /** Bytes of all prepared files. */
    sizeBytes: z.int().nonnegative(),
    /**
     * Number of weights. Runtimes hold them as float32 once loaded, whatever their stored (possibly
     * uint8-quantised) size, so this, not sizeBytes, is what the isolate's memory must fit.
     */
    parameters: z.int().nonnegative(),
    /**
     * The wasm heap the network settles at in an isolate once it has embedded (forward passes of
     * 2 inputs), measured on its tfjs runtime (bench/results/backbones.md); absent for a network
     * that runs no wasm (lexical). A heap never shrinks, so a fusion of two networks holds both.
     */
    wasmHeapBytes: z.int().positive().optional(),
    flops: z.object({
      approx: z.number().positive(),
      per: z.enum(["image", "token"]),
      note: z.string(),
    }),
  })
  .superRefine((manifest, ctx) => {
    const defaultLayer = manifest.cutLayers.find((layer) => layer.name === manifest.output.layer);
    if (!defaultLayer || defaultLayer.node !== manifest.output.node) {
      ctx.addIssue({ code: "custom", message: "output must name one of cutLayers (same node)" });
    } else if (defaultLayer.dim !== manifest.output.dim) {
      ctx.addIssue({ code: "custom", message: "output.dim must equal its cut layer's dim" });
    }
    const { adapterLayer } = manifest;
    if (adapterLayer !== undefined && !manifest.cutLayers.some((l) => l.name === adapterLayer)) {
      ctx.addIssue({ code: "custom", message: "adapterLayer must name one of cutLayers" });
    }
    const topProblem = manifest.trainableTop && trainableTopProblem(manifest);
    if (topProblem) ctx.addIssue({ code: "custom", message: `trainableTop: ${topProblem}` });
    if (manifest.preprocessing.kind !== manifest.modality) {
      ctx.addIssue({ code: "custom", message: "preprocessing.kind must equal modality" });
    }
    if (manifest.runtime === "lexical") {
      const { preprocessing } = manifest;
      if (preprocessing.kind !== "text" || preprocessing.tokenizer !== "hashed-ngrams") {
        ctx.addIssue({
          code: "custom",
          message: "runtime lexical needs hashed-ngrams preprocessing",
        });
        return;
      }
      // A layer is the n-grams folded into dim / 2 buckets a half, which must divide the buckets.
      const { buckets } = preprocessing.parameters;
      for (const layer of manifest.cutLayers) {
        if (layer.dim % 2 !== 0 || buckets % (layer.dim / 2) !== 0) {
          ctx.addIssue({
            code: "custom",
            message: `lexical layer ${layer.name}: dim ${layer.dim} is not twice a divisor of ${buckets} buckets`,
          });
        }
      }
      return;
    }
    if (manifest.inputs.length === 0) {
      ctx.addIssue({ code: "custom", message: `runtime ${manifest.runtime} needs graph inputs` });
    }
    const prepared = new Set(manifest.files.prepared.map((file) => file.path));
    for (const runtime of runtimesOf(manifest)) {
      const missing = RUNTIME_FILES[runtime].filter((path) => !prepared.has(path));
      if (missing.length > 0) {
        ctx.addIssue({ code: "custom", message: `runtime ${runtime} needs prepared ${missing}` });
      }
    }
    const weights = manifest.files.prepared.find((file) => file.path === weightsFile(manifest));
    if (weights?.sha256 !== manifest.weightsHash) {
      ctx.addIssue({
        code: "custom",
        message: `weightsHash must be the sha256 of prepared ${weightsFile(manifest)}`,
      });
    }
    for (const layer of manifest.cutLayers) {
      if (layer.pooling !== "grid-average") continue;
      const pooledDim = gridPooledDim(layer.shape ?? [], layer.grid);
      if (pooledDim !== layer.dim) {
        ctx.addIssue({
          code: "custom",
          message: `cut layer ${layer.name}: grid pooling of shape [${layer.shape}] gives ${pooledDim} values, not dim ${layer.dim}`,
        });
      }
    }
    if (runtimesOf(manifest).includes("onnx")) {
      for (const layer of manifest.cutLayers) {
        // A grid-pooled layer's dim counts its cells, and its map's shape is checked above.
        if (layer.pooling === "grid-average") continue;
        const shape = outputShape(layer);
        if (shape === undefined || shape.at(-1) !== layer.dim) {
          ctx.addIssue({
            code: "custom",
            message: `cut layer ${layer.name} needs a shape ending in its dim for ONNX`,
          });
        }
      }
    }
  });

export type BackboneManifest = z.infer<typeof BackboneManifestSchema>;
export type CutLayer = z.infer<typeof CutLayer>;
/** What pooling a cut layer's output needs: its kind, and a "grid-average" layer's grid. */
export type LayerPooling =
  | { readonly pooling: "none" | "global-average" }
  | { readonly pooling: "grid-average"; readonly grid: Grid };
export type TrainableTop = z.infer<typeof TrainableTop>;

/** The concrete runtimes a manifest can run on: its own, or both for `auto`. */
export function runtimesOf(manifest: Pick<BackboneManifest, "runtime">): BackboneRuntime[] {
  return manifest.runtime === "auto" ? ["tfjs-graph", "onnx"] : [manifest.runtime];
}

/** weights.bin when the backbone has tfjs files, else the ONNX model, which embeds its weights. */
export function weightsFile(manifest: Pick<BackboneManifest, "files">): string {
  const paths = manifest.files.prepared.map((file) => file.path);
  return paths.includes("weights.bin") ? "weights.bin" : "model.onnx";
}

/** A cut layer's declared output shape (see CutLayer.shape). */
export function outputShape(layer: CutLayer): readonly number[] | undefined {
  return layer.shape ?? (layer.pooling === "none" ? [-1, layer.dim] : undefined);
}

/** One cut layer per graph node, in order: layers that pool one node two ways share its output. */
export function layersByNode(manifest: Pick<BackboneManifest, "cutLayers">): CutLayer[] {
  return [...new Map(manifest.cutLayers.map((layer) => [layer.node, layer])).values()];
}

/** Why a declared top cannot work with the manifest's cut layers, or undefined when it can. */
function trainableTopProblem(manifest: Pick<BackboneManifest, "cutLayers" | "trainableTop">) {
  const top = manifest.trainableTop as TrainableTop;
  const layer = (name: string) => manifest.cutLayers.find((candidate) => candidate.name === name);
  const cut = layer(top.cut);
  if (cut?.shape?.length !== 4 || cut.shape.at(-1) !== cut.dim) {
    return `cut ${top.cut} must be a cut layer with a [-1, H, W, C] shape`;
  }
  if (!layer(top.output)) return `output ${top.output} must be a cut layer`;
  return undefined;
}
