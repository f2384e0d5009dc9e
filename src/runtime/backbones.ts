/**
 * The backbones this isolate serves: loaded lazily on first use and kept while their wasm heaps fit
 * the isolate together (./residency.ts), the least recently used unloaded when another needs room.
 * Loading is shared, so concurrent first requests load a backbone once.
 *
 * A backbone runs on its manifest's runtime; for `auto`, on the faster of the runtimes the host
 * carries, measured here at first load (auto-runtime.ts) and reported in its load state.
 */

import type {
  Backbone,
  BackboneDefinition,
  BackboneInput,
  BackboneManifest,
  BackboneRuntime,
  CutActivations,
  ModelFiles,
} from "../../models";
// Not through models/index: that registry imports every backbone, and each deployment bundles only its own.
import {
  type Fusion,
  type FusionPart,
  fuse,
  fusionLayers,
  isFusionId,
  parseFusionId,
} from "../../models/fusion";
import { ENGINELESS_RUNTIMES, runtimesOf } from "../../models/manifest";
import { echoId } from "../problem";
import { awaitShared, sleep } from "../shared-wait";
import { fastestRuntime, probeInput, type RuntimeChoice } from "./auto-runtime";
import type { RuntimeEngine } from "./engine";
import type { RuntimeHost } from "./host";
import { ISOLATE_MEMORY_BYTES, NoRoomError, Residency } from "./residency";

/**
 * Inputs per forward pass. Activations, not weights, set the wasm heap's high-water mark, and a wasm
 * heap never shrinks. MobileNetV2's heap settles at 74 MB with passes of 1 image, 89 MB with 2,
 * 110 MB with 4 and 228 MB with 16 (use-lite stays at 52 MB; measured in Node with the same wasm).
 * Two leaves room for the JS heap inside the 128 MB isolate budget, at nearly the per-item speed of
 * larger passes.
 */
const FORWARD_BATCH = 2;

/**
 * The inputs a forward pass at a time, with a timer yield between passes: a pass is 15–250 ms during
 * which the isolate serves nothing else, so a large batch (a job's chunk, an upload of 64 e-mails:
 * about 5 s) lets other requests in between its passes rather than stalling them.
 */
async function* forwardBatches(inputs: BackboneInput[]): AsyncGenerator<BackboneInput[]> {
  for (let start = 0; start < inputs.length; start += FORWARD_BATCH) {
    if (start > 0) await sleep(0);
    yield inputs.slice(start, start + FORWARD_BATCH);
  }
}

/** Forward passes a warm-up runs (see `warm`). */
const WARM_UP_PASSES = 3;

export type LoadState =
  | { state: "unloaded" }
  | { state: "loading" }
  | {
      state: "ready";
      loadMs: number;
      /** Where `loadMs` went (what a cold start pays before the first forward pass). */
      phases: LoadPhases;
      runtime: BackboneRuntime;
      /** For `auto`: the probe time measured on each candidate runtime. */
      probeMs?: Partial<Record<BackboneRuntime, number>>;
    }
  | { state: "failed"; error: string };

export interface LoadPhases {
  /** Starting the runtime's wasm engine (instantiation, heap). */
  engineMs: number;
  /** Reading the model's files (static assets in workerd, the disk in Node). */
  filesMs: number;
  /** The rest: parsing the model and handing its weights to the engine. */
  modelMs: number;
}

export interface Embeddings {
  backbone: string;
  version: string;
  /** The cut layer the vectors come from. */
  layer: string;
  dim: number;
  embeddings: Float32Array[];
}

/** Embedding time measured on this host since the isolate started: the `GET /v1/backbones` latency. */
export interface MeasuredLatency {
  items: number;
  totalMs: number;
  msPerItem: number;
}

export class UnknownBackboneError extends Error {
  constructor(
    readonly backboneId: string,
    known: readonly string[],
  ) {
    // A selection candidate's id ("mobilenet-v2/block12") copied in place of its backbone.
    const hint = backboneId.includes("/")
      ? ` (a selection candidate's id is <backbone>/<layer>: give its backbone and layer fields)`
      : "";
    super(`unknown backbone ${echoId(backboneId)}${hint}; known: ${known.join(", ")}`);
  }
}

/** A served backbone failed to load (its files, its model, or a runtime this deployment lacks). */
export class BackboneUnavailableError extends Error {
  override readonly name = "BackboneUnavailableError";

  constructor(
    readonly backboneId: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`backbone "${backboneId}" could not be loaded: ${detail}`, { cause });
  }
}

export class BackbonePool {
  private readonly loading = new Map<string, Promise<Backbone>>();
  private readonly states = new Map<string, LoadState>();
  private readonly timings = new Map<string, { items: number; totalMs: number }>();
  /** The first forward pass after loading, per backbone: kernels compiled and buffers first allocated. */
  private readonly firstRuns = new Map<string, number>();
  private readonly warming = new Map<string, Promise<void>>();
  private readonly residency: Residency;
  /**
   * Each engine's heap, named by the first runtime that runs on it: runtimes may share an engine
   * (tfjs's two model formats), which then has one heap.
   */
  private readonly heaps = new Map<string, RuntimeEngine>();

  constructor(
    private readonly runtime: RuntimeHost,
    heapBudgetBytes = ISOLATE_MEMORY_BYTES,
  ) {
    for (const [runtimeName, engine] of Object.entries(runtime.engines)) {
      if (engine && ![...this.heaps.values()].includes(engine)) this.heaps.set(runtimeName, engine);
    }
    this.residency = new Residency(
      heapBudgetBytes,
      (id) => this.unload(id),
      () => new Map([...this.heaps].map(([heap, engine]) => [heap, engine.heapBytes()])),
    );
  }

  /** The backbones loaded now, least recently used first. */
  get resident(): string[] {
    return this.residency.residents;
  }

  /** Whether a backbone, or every part of a fusion id, is loaded now. */
  isResident(id: string): boolean {
    const ids = isFusionId(id) ? parseFusionId(id).map((part) => part.backbone) : [id];
    return ids.every((part) => this.residency.isReady(part));
  }

  get host(): RuntimeHost["name"] {
    return this.runtime.name;
  }

  /** The runtimes this host carries: its engines', and the plain TypeScript ones every host has. */
  get runtimes(): BackboneRuntime[] {
    return [...(Object.keys(this.runtime.engines) as BackboneRuntime[]), ...ENGINELESS_RUNTIMES];
  }

  /** Bytes reserved by the wasm heaps of the runtimes started in this isolate. */
  wasmHeapBytes(): number {
    return [...this.heaps.values()].reduce((sum, engine) => sum + engine.heapBytes(), 0);
  }

  /** The heaps a backbone loads into: its runtime's engine's, or each one `auto` may compare. */
  private heapsOf(manifest: BackboneManifest): string[] {
    const engines = new Set(runtimesOf(manifest).map((runtime) => this.runtime.engines[runtime]));
    return [...this.heaps].filter(([, engine]) => engines.has(engine)).map(([heap]) => heap);
  }

  manifests(): BackboneManifest[] {
    return Object.values(this.runtime.backbones).map((entry) => entry.manifest);
  }

  manifest(id: string): BackboneManifest {
    return this.definition(id).manifest;
  }

  /** The fusion a `a[:layer]+b[:layer]` id names (models/fusion.ts), its parts served here. */
  fusion(id: string): Fusion {
    const parts = parseFusionId(id).map(({ backbone, layer }) => ({
      manifest: this.manifest(backbone),
      ...(layer === undefined ? {} : { layer }),
    }));
    return fuse(parts);
  }

  /**
   * The weights a backbone or fusion id serves (a fusion's: its parts' hashes joined) and the manifest
   * that prepares its inputs (a fusion's parts take the same ones).
   */
  served(id: string): { weightsHash: string; inputs: BackboneManifest } {
    if (!isFusionId(id)) {
      const manifest = this.manifest(id);
      return { weightsHash: manifest.weightsHash, inputs: manifest };
    }
    const fusion = this.fusion(id);
    return { weightsHash: fusion.weightsHash, inputs: (fusion.parts[0] as FusionPart).manifest };
  }

  /** What a backbone or a fusion embeds. */
  modality(id: string): BackboneManifest["modality"] {
    return isFusionId(id) ? this.fusion(id).modality : this.manifest(id).modality;
  }

  /** The backbone's prepared files (for exports, which read the graph without loading it). */
  files(id: string): ModelFiles {
    const entry = this.definition(id);
    return this.runtime.modelFiles(entry.folder ?? entry.manifest.id);
  }

  /**
   * Why this isolate would refuse to load the backbone now (its engine's heap would not fit beside
   * the other engines' heaps, which never shrink), or null when it would load.
   */
  roomRefusal(id: string): string | null {
    const manifest = this.manifest(id);
    return this.residency.refusal(id, manifest.wasmHeapBytes ?? 0, this.heapsOf(manifest));
  }

  state(id: string): LoadState {
    return this.states.get(id) ?? { state: "unloaded" };
  }

  /** How long the backbone's first embedding took in this isolate (ms), once it ran. */
  firstRunMs(id: string): number | undefined {
    return this.firstRuns.get(id);
  }

  /** Mean time per embedded item over every embedding this pool ran for the backbone; null before any. */
  latency(id: string): MeasuredLatency | null {
    const timing = this.timings.get(id);
    if (!timing || timing.items === 0) return null;
    return { ...timing, msPerItem: timing.totalMs / timing.items };
  }

  /**
   * Runs `work` on the loaded backbone, holding it resident meanwhile (loading it first, and unloading
   * others if their heaps and its own would not fit the isolate together).
   */
  private async use<T>(id: string, work: (backbone: Backbone) => Promise<T>): Promise<T> {
    const { manifest } = this.definition(id);
    const release = await this.residency
      .acquire(id, manifest.wasmHeapBytes ?? 0, this.heapsOf(manifest))
      .catch((error: unknown) => {
        throw error instanceof NoRoomError ? new BackboneUnavailableError(id, error) : error;
      });
    try {
      // Another request (or a job's alarm) may be the one loading it.
      return await work(await awaitShared(this.loaded(id)));
    } finally {
      release();
    }
  }

  /** The backbone, loaded once for concurrent first uses. */
  private loaded(id: string): Promise<Backbone> {
    let backbone = this.loading.get(id);
    if (!backbone) {
      backbone = this.load(id, this.definition(id));
      this.loading.set(id, backbone);
    }
    return backbone;
  }

  /** Frees an idle backbone's weights; its next use loads it again. */
  private async unload(id: string): Promise<void> {
    const loading = this.loading.get(id);
    this.loading.delete(id);
    this.warming.delete(id);
    this.states.set(id, { state: "unloaded" });
    const backbone = await loading?.catch(() => undefined);
    backbone?.dispose();
  }

  /**
   * Loads the backbone and runs a few forward passes on a probe input, so that the first request
   * finds the model parsed and its kernels warm (the first pass costs several warm ones).
   */
  warm(id: string): Promise<void> {
    let warming = this.warming.get(id);
    if (!warming) {
      warming = this.firstRun(id);
      this.warming.set(id, warming);
      warming.catch(() => this.warming.delete(id));
    }
    return warming;
  }

  private firstRun(id: string): Promise<void> {
    return this.use(id, async (backbone) => {
      if (this.firstRuns.has(id)) return;
      const probe = [probeInput(backbone.manifest)];
      const started = performance.now();
      await backbone.embed(probe);
      this.firstRuns.set(id, performance.now() - started);
      // The next passes are still slower than warm ones (wasm tier-up): MobileNetV2 in Node takes
      // 600, 300, then 210 ms a pass; in workerd the first request after one pass took 6× a warm one.
      for (let pass = 1; pass < WARM_UP_PASSES; pass++) await backbone.embed(probe);
    });
  }

  /** Embeds with a backbone (at `layer`), or with each part of a fusion id, concatenated in order. */
  async embed(id: string, inputs: BackboneInput[], layer?: string): Promise<Embeddings> {
    if (isFusionId(id)) return this.embedFused(this.fusion(id), inputs);
    const { manifest } = this.definition(id);
    const cut = layer ?? manifest.output.layer;
    const [embeddings = []] = await this.embedLayers(id, inputs, [cut]);
    const dim = embeddings[0]?.length ?? 0;
    return { backbone: id, version: manifest.version, layer: cut, dim, embeddings };
  }

  /**
   * Embeds with a backbone at several of its cut layers, each forward pass serving all of them:
   * `result[k]` holds `layers[k]`'s vectors. The time is recorded as the backbone's measured latency
   * (`GET /v1/backbones`), that of a pass to the deepest layer asked for: its default, for most calls.
   */
  async embedLayers(
    id: string,
    inputs: BackboneInput[],
    layers: string[],
  ): Promise<Float32Array[][]> {
    if (layers.length === 0) throw new Error(`embedLayers(${id}): no layer asked for`);
    const vectors = layers.map((): Float32Array[] => []);
    const ms = await this.use(id, async (backbone) => {
      const started = performance.now();
      for await (const batch of forwardBatches(inputs)) {
        const perLayer = await backbone.embedLayers(batch, layers);
        for (const [k, layerVectors] of perLayer.entries()) vectors[k]?.push(...layerVectors);
      }
      return performance.now() - started;
    });
    if (!this.firstRuns.has(id)) this.firstRuns.set(id, ms);
    this.recordTiming(id, inputs.length, ms);
    return vectors;
  }

  /**
   * Both ends of the backbone's trainable top per input (a finetune head's input and its frozen
   * embedding), in the same passes as `embed`. Only tfjs backbones with a declared top give them.
   */
  async embedWithCut(id: string, inputs: BackboneInput[]): Promise<CutActivations> {
    const out: CutActivations = { maps: [], embeddings: [] };
    const ms = await this.use(id, async (backbone) => {
      const started = performance.now();
      if (!backbone.embedWithCut) {
        throw new Error(
          `${id} does not give its cut activations (no trainable top on this runtime)`,
        );
      }
      for await (const batch of forwardBatches(inputs)) {
        const { maps, embeddings } = await backbone.embedWithCut(batch);
        out.maps.push(...maps);
        out.embeddings.push(...embeddings);
      }
      return performance.now() - started;
    });
    this.recordTiming(id, inputs.length, ms);
    return out;
  }

  private async embedFused(fusion: Fusion, inputs: BackboneInput[]): Promise<Embeddings> {
    const blocks = await this.fusionBlocks(fusion, inputs);
    const embeddings = inputs.map((_, i) => {
      const vector = new Float32Array(fusion.dim);
      let offset = 0;
      for (const block of blocks) {
        vector.set(block[i] as Float32Array, offset);
        offset += (block[i] as Float32Array).length;
      }
      return vector;
    });
    const layer = fusionLayers(fusion);
    return { backbone: fusion.id, version: fusion.version, layer, dim: fusion.dim, embeddings };
  }

  /**
   * Each part's vectors: two layers of one network from the same passes; two backbones one after
   * the other, as their activations at once would raise the heap's peak.
   */
  private async fusionBlocks(fusion: Fusion, inputs: BackboneInput[]): Promise<Float32Array[][]> {
    const [first, second] = fusion.parts as [FusionPart, FusionPart];
    if (first.manifest.id === second.manifest.id) {
      return this.embedLayers(first.manifest.id, inputs, [first.layer, second.layer]);
    }
    const blocks: Float32Array[][] = [];
    for (const part of fusion.parts) {
      blocks.push((await this.embed(part.manifest.id, inputs, part.layer)).embeddings);
    }
    return blocks;
  }

  private recordTiming(id: string, items: number, ms: number): void {
    const timing = this.timings.get(id) ?? { items: 0, totalMs: 0 };
    this.timings.set(id, { items: timing.items + items, totalMs: timing.totalMs + ms });
  }

  private definition(id: string): BackboneDefinition {
    // Own keys only: an id such as "constructor" must not find Object.prototype's.
    const { backbones } = this.runtime;
    if (!Object.hasOwn(backbones, id)) throw new UnknownBackboneError(id, Object.keys(backbones));
    return backbones[id] as BackboneDefinition;
  }

  private async load(id: string, entry: BackboneDefinition): Promise<Backbone> {
    this.states.set(id, { state: "loading" });
    const started = performance.now();
    try {
      const spent = { engineMs: 0, filesMs: 0 };
      const { backbone, runtime, probeMs } = await this.loadOnFastest(entry, spent);
      const loadMs = performance.now() - started;
      const phases = { ...spent, modelMs: loadMs - spent.engineMs - spent.filesMs };
      this.states.set(id, { state: "ready", loadMs, phases, runtime, ...(probeMs && { probeMs }) });
      return backbone;
    } catch (error) {
      // Forget the failed attempt so a later request can retry (e.g. after a transient asset error).
      this.loading.delete(id);
      this.residency.forget(id);
      const unavailable = new BackboneUnavailableError(id, error);
      this.states.set(id, { state: "failed", error: unavailable.message });
      throw unavailable;
    }
  }

  /** The backbone on its one runtime, or, for `auto` with a choice, on the measured fastest. */
  private async loadOnFastest(
    entry: BackboneDefinition,
    spent: Omit<LoadPhases, "modelMs">,
  ): Promise<Omit<RuntimeChoice, "probeMs"> & Partial<RuntimeChoice>> {
    const files = timedFiles(this.runtime.modelFiles(entry.folder ?? entry.manifest.id), spent);
    const wanted = runtimesOf(entry.manifest);
    const candidates = wanted.filter((runtime) => this.runtimes.includes(runtime));
    const loadOn = async (runtime: BackboneRuntime) => {
      const started = performance.now();
      await this.runtime.engines[runtime]?.start();
      spent.engineMs += performance.now() - started;
      return entry.load(files, runtime);
    };
    const [only] = candidates;
    if (only === undefined) {
      throw new Error(`it needs the ${wanted.join(" or ")} runtime, which this deployment lacks`);
    }
    if (candidates.length === 1) return { backbone: await loadOn(only), runtime: only };
    return fastestRuntime(candidates, loadOn);
  }
}

/**
 * The files, adding the time during which at least one read is in flight to `spent.filesMs`:
 * concurrent reads count once, so the phases never add up to more than the load.
 */
function timedFiles(files: ModelFiles, spent: { filesMs: number }): ModelFiles {
  let inFlight = 0;
  let since = 0;
  return {
    async read(file) {
      if (inFlight++ === 0) since = performance.now();
      try {
        return await files.read(file);
      } finally {
        if (--inFlight === 0) spent.filesMs += performance.now() - since;
      }
    },
  };
}
