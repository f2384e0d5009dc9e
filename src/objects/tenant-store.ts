/**
 * The `TenantStore` Durable Object: one per tenant, holding that tenant's adapters, samples, jobs,
 * head versions and API-key hashes in SQLite. One object serialises every write of its tenant, so
 * concurrent uploads cannot lose samples and two trainings cannot race. It only records: a job is
 * executed by its own `JobRunner` object (./job-runner.ts), which reads the samples and reports its
 * steps and result here, so predictions and uploads never wait behind a training. One more object of
 * this class, named `REGISTRY_NAME` (src/tenants/stores.ts), is the tenant registry: it only lists
 * tenants.
 */

import { DurableObject } from "cloudflare:workers";
import { hiddenUnitsOf } from "../../adapters";
import type { Bindings } from "../env";
import { jobStepFlops } from "../jobs/job-step-flops";
import { type Publication, publishVersion } from "../jobs/publish-version";
import {
  assertClassWeightLabels,
  assertFinishable,
  assertTrainable,
  assertWithinTrainingBudget,
} from "../jobs/readiness";
import { assertRetained, EMBEDDED_AGAIN } from "../jobs/retained-samples";
import { Problem } from "../problem";
import type { SelectionReport, SelectionRequest } from "../selection/selection-report";
import { now } from "../storage/clock";
import { activationKey } from "../storage/cut-activations";
import { assertEmbeddedInAdapterSpace, assertVersionFitsAdapter } from "../storage/embedding-space";
import { adapterPrefix, deleteHeads, tenantPrefix, writeActivePointer } from "../storage/heads";
import type { Idempotency, JobProgress } from "../storage/jobs-table";
import { attempt } from "../storage/outcome";
import type { CreatedPosition, PageRequest } from "../storage/page";
import {
  deleteRawPrefix,
  deleteRawSamples,
  rawAdapterPrefix,
  rawTenantPrefix,
} from "../storage/raw-samples";
import type {
  EmbeddingSpace,
  JobKind,
  JobOf,
  JobRecord,
  JobRequestOf,
  JobStepStats,
  NewAdapter,
  NewSample,
  SwitchRequest,
  TenantRecord,
  TrainRequest,
} from "../storage/records";
import type { DeletedSamples } from "../storage/samples-table";
import { isServable, type ServingRecordRef } from "../storage/serving-records";
import { TenantState } from "../storage/tenant-state";
import { jobRunner } from "./job-runners";
import { ServingPublisher } from "./serving-publisher";

/** How often the object checks that every live job has a runner with its next step scheduled. */
const WATCHDOG_MS = 30_000;
/** The least time between two rewrites of the same records prompted by predictions (`mayRepublish`). */
const REPUBLISH_INTERVAL_MS = 60_000;

export class TenantStore extends DurableObject<Bindings> {
  private readonly state: TenantState;
  /** Serving records in KV: what predictions read instead of calling this object. */
  private readonly serving: ServingPublisher;
  /** When a prediction's fallback last wrote a key's and adapter's records again (`mayRepublish`). */
  private readonly republished = new Map<string, number>();
  /** While the tenant is being deleted its keys authenticate nothing (`deleteTenant`). */
  private deleting = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.state = new TenantState(ctx.storage);
    this.serving = new ServingPublisher(this.state, env.HEADS);
  }

  // The registry object.

  /** `maxTenants`: the deployment's cap (tests pass a small one). */
  registerTenant(tenant: TenantRecord, maxTenants?: number) {
    return attempt(() => {
      this.state.initialize();
      this.state.registry.add(tenant, maxTenants);
    });
  }

  listTenants(page: PageRequest<CreatedPosition>) {
    return this.state.exists ? this.state.registry.list(page) : [];
  }

  unregisterTenant(tenantId: string) {
    return this.state.exists && this.state.registry.remove(tenantId);
  }

  // A tenant's object: the tenant and its keys.

  createTenant(tenant: TenantRecord) {
    this.state.initialize();
    this.state.tenant.create(tenant);
  }

  getTenant() {
    return attempt(() => this.state.requireTenant());
  }

  updateTenant(changes: { name?: string; retainRawSamples?: boolean }) {
    return attempt(() => {
      this.state.requireTenant();
      return this.state.tenant.update(changes);
    });
  }

  async deleteTenant() {
    const tenant = this.state.findTenant();
    if (!tenant) return;
    // Keys stop working first, here and in the serving records predictions read, so that no
    // prediction gets past its key to find the head deleted under it (a 503 head-not-replicated).
    this.deleting = true;
    try {
      await this.serving.deleteTenant(tenant.id);
      await deleteHeads(this.env.HEADS, tenantPrefix(tenant.id));
      await deleteRawPrefix(this.env.SAMPLES, rawTenantPrefix(tenant.id));
      await this.state.erase();
      // Records the outbox wrote again meanwhile (its rows are gone now) go too.
      await this.serving.deleteTenant(tenant.id);
    } finally {
      this.deleting = false;
    }
  }

  issueKey(hash: string, hint: string) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      const key = this.state.keys.add(hash, hint, now());
      await this.publishServing({ kind: "key", tenantId: tenant.id, keyHash: hash });
      return key;
    });
  }

  listKeys(page: PageRequest<CreatedPosition>) {
    return attempt(() => {
      this.state.requireTenant();
      return this.state.keys.list(page);
    });
  }

  revokeKey(keyId: string) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      const hash = this.state.keys.revoke(keyId);
      await this.publishServing({ kind: "key", tenantId: tenant.id, keyHash: hash });
    });
  }

  /** The tenant, when the key hash is one of its keys. */
  authenticate(keyHash: string): TenantRecord | null {
    const tenant = this.deleting ? null : this.state.findTenant();
    return tenant && this.state.keys.matches(keyHash) ? tenant : null;
  }

  /**
   * `authenticate`, then the adapter, for a prediction whose serving records were not in KV (not
   * yet written, or not yet replicated to its location): they are written again, not waited for.
   */
  async authenticateForAdapter(keyHash: string, adapterId: string) {
    const tenant = this.authenticate(keyHash);
    if (!tenant) return null;
    const adapter = await attempt(() => this.state.adapters.get(adapterId));
    if (adapter.ok && isServable(adapter.value) && this.mayRepublish(`${keyHash}/${adapterId}`)) {
      this.state.serving.mark({ kind: "key", tenantId: tenant.id, keyHash });
      this.publishServing({ kind: "adapter", tenantId: tenant.id, adapterId }).catch((error) =>
        console.warn("serving records not written again", error),
      );
    }
    return { tenant, adapter };
  }

  /**
   * A location that found a record missing keeps that answer for up to KV's cache time (60 s), and
   * sends every prediction here meanwhile: the records are written again once per minute at most,
   * not once per prediction (KV takes one write per second per key).
   */
  private mayRepublish(pair: string): boolean {
    const last = this.republished.get(pair) ?? Number.NEGATIVE_INFINITY;
    if (Date.now() - last < REPUBLISH_INTERVAL_MS) return false;
    this.republished.set(pair, Date.now());
    return true;
  }

  // Adapters.

  createAdapter(adapter: NewAdapter) {
    return attempt(() => this.state.adapters.create(adapter, now()));
  }

  listAdapters(page: PageRequest<CreatedPosition>) {
    return attempt(() => this.state.adapters.list(page));
  }

  getAdapter(adapterId: string) {
    return attempt(() => this.state.adapters.get(adapterId));
  }

  deleteAdapter(adapterId: string) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      // A running training would write a head for an adapter that no longer exists.
      this.state.jobs.assertIdle(adapterId);
      this.state.transaction(() => {
        this.state.adapters.delete(adapterId);
        this.state.samples.deleteAll(adapterId);
        this.state.jobs.deleteAll(adapterId);
        this.state.versions.deleteAll(adapterId);
        this.state.serving.mark({ kind: "adapter", tenantId: tenant.id, adapterId });
      });
      await this.flushServing();
      await deleteHeads(this.env.HEADS, adapterPrefix(tenant.id, adapterId));
      await deleteRawPrefix(this.env.SAMPLES, rawAdapterPrefix(tenant.id, adapterId));
    });
  }

  // Samples.

  knownSamples(adapterId: string, contentHashes: string[]) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.samples.known(adapterId, contentHashes);
    });
  }

  /** `embeddedWith`: the binding the Worker embedded them with, which a switch may have replaced since. */
  addSamples(adapterId: string, samples: NewSample[], embeddedWith: EmbeddingSpace) {
    return attempt(() =>
      this.state.transaction(() => {
        const adapter = this.state.adapters.get(adapterId);
        this.state.jobs.assertNotSwitching(adapterId);
        assertEmbeddedInAdapterSpace(adapter, embeddedWith);
        return this.state.samples.add(adapterId, samples, now(), adapter.dim);
      }),
    );
  }

  /** Raw uploads kept now for samples stored while the tenant did not retain them. */
  retainSamples(adapterId: string, kept: { contentHash: string; rawKey: string }[]) {
    return attempt(() =>
      this.state.transaction(() => {
        this.state.adapters.get(adapterId);
        this.state.samples.retain(adapterId, kept);
      }),
    );
  }

  sampleCounts(adapterId: string) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.samples.counts(adapterId);
    });
  }

  listSamples(adapterId: string, page: PageRequest<number>, label?: string) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.samples.list(adapterId, page, label);
    });
  }

  getSample(adapterId: string, sampleId: string) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.samples.get(adapterId, sampleId);
    });
  }

  deleteSample(adapterId: string, sampleId: string) {
    return this.deleteSamples(adapterId, () => this.state.samples.deleteById(adapterId, sampleId));
  }

  deleteSamplesByLabel(adapterId: string, label: string) {
    return this.deleteSamples(adapterId, () => this.state.samples.deleteByLabel(adapterId, label));
  }

  // Training jobs.

  startTraining(adapterId: string, request: TrainRequest, idempotency?: Idempotency) {
    return this.startOnce(adapterId, "training", idempotency, () => {
      const adapter = this.state.adapters.get(adapterId);
      const counts = this.state.samples.counts(adapterId);
      assertTrainable(counts);
      // The protocol deduplicates by embedding: refused now rather than failed once queued.
      const distinct = this.state.samples.distinctCounts(adapterId);
      assertTrainable(
        distinct,
        "training",
        "samples the backbone can tell apart (identical embeddings count once)",
      );
      const headType = request.headType ?? adapter.headType;
      const hiddenUnits = hiddenUnitsOf(headType, request.hyperparameters);
      assertWithinTrainingBudget(counts, adapter.dim, "this training", hiddenUnits);
      assertClassWeightLabels(counts, request.hyperparameters);
      if (headType !== "finetune") {
        assertFinishable(distinct, adapter.dim, headType, request, jobStepFlops(this.env));
      }
      // Only a finetune adapter's uploads keep their cut activations; others are embedded again.
      if (headType === "finetune" && adapter.headType !== "finetune") {
        assertRetained(this.state.samples.rawSamples(adapterId), EMBEDDED_AGAIN.atTheCut);
      }
      return this.enqueue(adapterId, "training", request, idempotency);
    });
  }

  // Backbone selection, and switching to the chosen backbone: both re-embed the raw uploads.

  startSelection(adapterId: string, request: SelectionRequest, idempotency?: Idempotency) {
    return this.startOnce(adapterId, "selection", idempotency, () => {
      this.state.adapters.get(adapterId);
      assertTrainable(this.state.samples.counts(adapterId), "k-fold cross-validation");
      assertRetained(this.state.samples.rawSamples(adapterId));
      return this.enqueue(adapterId, "selection", request, idempotency);
    });
  }

  startSwitch(adapterId: string, request: SwitchRequest, idempotency?: Idempotency) {
    return this.startOnce(adapterId, "switch", idempotency, () => {
      this.state.adapters.get(adapterId);
      const counts = this.state.samples.counts(adapterId);
      assertTrainable(counts);
      assertWithinTrainingBudget(counts, request.dim, `switching to ${request.backbone}`);
      assertRetained(this.state.samples.rawSamples(adapterId));
      return this.enqueue(adapterId, "switch", request, idempotency);
    });
  }

  /** The job an Idempotency-Key started on the adapter with the same request, if any (JobsTable.replay). */
  replayedJob(adapterId: string, kind: JobKind, idempotency: Idempotency) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.jobs.replay(adapterId, kind, idempotency) as JobRecord | null;
    });
  }

  getJob(jobId: string) {
    return attempt(() => {
      this.state.requireTenant();
      return this.state.jobs.get(jobId);
    });
  }

  listJobs(adapterId: string, page: PageRequest<CreatedPosition>) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.jobs.list(adapterId, page);
    });
  }

  cancelJob(jobId: string) {
    return attempt(() => this.state.jobs.cancel(jobId, now()));
  }

  /** The watchdog: every live job's runner has its next step scheduled (a lost alarm is re-armed). */
  override async alarm() {
    if (!this.state.findTenant()) return;
    const published = await this.serving.flush();
    const live = this.state.jobs.liveJobs();
    for (const job of live) await this.runnerOf(job).ensureRunning(this.ticket(job));
    if (live.length > 0 || !published) await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
  }

  // What a job's runner (./job-runner.ts) reads and reports. Each answers null (or a problem) once the
  // job is gone or over: the tenant was deleted, or the job was cancelled; the runner then stops.

  /** The live job and its adapter; marks a queued job running. */
  jobForRunner(jobId: string) {
    if (!this.state.findTenant()) return null;
    const job = this.state.jobs.find(jobId);
    if (!job || (job.status !== "queued" && job.status !== "running")) return null;
    this.state.jobs.start(jobId, now());
    return { job: this.state.jobs.get(jobId), adapter: this.state.adapters.get(job.adapterId) };
  }

  trainingPage(adapterId: string, after: string | null, storedBy: string, limit: number) {
    return this.state.findTenant()
      ? this.state.samples.trainingPage(adapterId, after, storedBy, limit)
      : [];
  }

  rawSampleRefs(adapterId: string, storedBy?: string) {
    return this.state.findTenant() ? this.state.samples.rawSamples(adapterId, storedBy) : [];
  }

  /** Records a step; answers whether the job should go on (false once cancelled or gone). */
  recordStep(jobId: string, progress: JobProgress, steps: JobStepStats): boolean {
    if (!this.isLive(jobId)) return false;
    this.state.jobs.progress(jobId, progress, steps);
    return true;
  }

  stageEmbeddings(jobId: string, embeddings: { hash: string; vector: Float32Array }[]): boolean {
    if (!this.isLive(jobId)) return false;
    this.state.samples.stage(jobId, embeddings);
    return true;
  }

  publishHead(jobId: string, publication: Publication) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      const job = this.state.jobs.get(jobId);
      // Cancelled (or otherwise ended) meanwhile: nothing is published.
      if (job.status !== "queued" && job.status !== "running") return null;
      const version = await publishVersion(
        { state: this.state, heads: this.env.HEADS, tenantId: tenant.id },
        job,
        {
          ...publication,
          commit: job.kind === "switch" ? (state) => rebind(state, job) : undefined,
        },
      );
      await this.flushServing();
      return version;
    });
  }

  finishSelection(jobId: string, report: SelectionReport): void {
    if (this.isLive(jobId)) this.state.jobs.succeedWithReport(jobId, report, now());
  }

  failJob(jobId: string, failure: { code: string; detail: string }): void {
    if (!this.isLive(jobId)) return;
    this.state.transaction(() => {
      this.state.jobs.fail(jobId, failure, now());
      this.state.samples.dropStaged(jobId);
    });
  }

  // Head versions.

  listVersions(adapterId: string, page: PageRequest<number>) {
    return attempt(() => {
      const adapter = this.state.adapters.get(adapterId);
      return this.state.versions.list(adapterId, adapter.activeVersion, page);
    });
  }

  getVersion(adapterId: string, version: number) {
    return attempt(() => {
      const adapter = this.state.adapters.get(adapterId);
      return this.state.versions.get(adapterId, version, adapter.activeVersion);
    });
  }

  activateVersion(adapterId: string, version: number) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      const adapter = this.state.adapters.get(adapterId);
      const activated = this.state.versions.get(adapterId, version, version);
      assertVersionFitsAdapter(adapter, activated);
      this.state.adapters.activate(adapterId, version);
      await this.publishServing({ kind: "adapter", tenantId: tenant.id, adapterId });
      await writeActivePointer(this.env.HEADS, tenant.id, adapterId, version);
      return activated;
    });
  }

  /** Marks the record changed and writes it (and any other pending one) to KV. */
  private async publishServing(ref: ServingRecordRef): Promise<void> {
    this.state.serving.mark(ref);
    await this.flushServing();
  }

  /**
   * Writes the changed records to KV. The watchdog is armed first, with the outbox that names them:
   * a record KV refuses for now, or one the object stopped before writing (a crash, a deploy), is
   * written by its alarm. Armed only on a refusal, an activation cut off there left predictions on
   * the old version until the next one.
   */
  private async flushServing(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
    }
    await this.serving.flush();
  }

  /**
   * The job `idempotency`'s key started already (JobsTable.replay: a request sent again), or the one
   * `start` queues after its checks. Checked here, in the object's one turn, as well as by the route
   * (which skips its own checks for a replay): two requests with one key may both pass the route's.
   */
  private startOnce<K extends JobKind>(
    adapterId: string,
    kind: K,
    idempotency: Idempotency | undefined,
    start: () => Promise<JobOf<K>>,
  ) {
    return attempt(() => this.state.jobs.replay(adapterId, kind, idempotency) ?? start());
  }

  /** Queues the job and hands it to its runner; the watchdog retries the hand-over if it is lost. */
  private async enqueue<K extends JobKind>(
    adapterId: string,
    kind: K,
    request: JobRequestOf[K],
    idempotency: Idempotency | undefined,
  ) {
    const job = this.state.jobs.enqueue(adapterId, kind, request, now(), idempotency);
    await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
    try {
      await this.runnerOf(job).start(this.ticket(job));
    } catch (error) {
      // The job is queued and recorded: the watchdog hands it over on its next round.
      console.warn(`job ${job.id}: its runner did not take it yet`, error);
    }
    return job;
  }

  private runnerOf(job: { id: string }) {
    return jobRunner(this.env, job.id);
  }

  private ticket(job: { id: string }) {
    return { tenantId: this.state.requireTenant().id, jobId: job.id };
  }

  private isLive(jobId: string): boolean {
    if (!this.state.findTenant()) return false;
    const status = this.state.jobs.find(jobId)?.status;
    return status === "queued" || status === "running";
  }

  private deleteSamples(adapterId: string, remove: () => DeletedSamples) {
    return attempt(async () => {
      const adapter = this.state.adapters.get(adapterId);
      // A live job reads the samples as they were when it was queued.
      this.state.jobs.assertIdle(adapterId);
      const { deleted, rawKeys, contentHashes } = remove();
      const tenantId = this.state.requireTenant().id;
      // With their cut activations (a finetune's cache), on the adapter's current weights.
      const cutKeys = contentHashes.map((hash) =>
        activationKey(tenantId, adapterId, adapter.weightsHash, hash),
      );
      await deleteRawSamples(this.env.SAMPLES, [...rawKeys, ...cutKeys]);
      return { deleted };
    });
  }
}

/**
 * A switch's commit: the staged embeddings replace the stored ones and the adapter is rebound, refused
 * if samples came or went during the job (the staged set must be exactly the adapter's samples).
 */
function rebind(state: TenantState, job: JobRecord): void {
  if (job.kind !== "switch") return;
  const held = state.samples.rawSamples(job.adapterId).map((sample) => sample.hash);
  if (held.join() !== state.samples.stagedHashes(job.id).join()) {
    throw new Problem(
      409,
      "samples-changed",
      "samples were added or deleted while the adapter switched backbones; start the switch again",
    );
  }
  state.samples.commitStaged(job.id, job.adapterId);
  state.adapters.rebind(job.adapterId, { ...job.request, blocks: job.request.blocks ?? null });
}
