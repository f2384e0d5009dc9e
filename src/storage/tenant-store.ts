/**
 * The `TenantStore` Durable Object: one per tenant, holding that tenant's adapters, samples, jobs,
 * head versions and API-key hashes in SQLite. One object serialises every write of its tenant, so
 * concurrent uploads cannot lose samples and two trainings cannot race. One more object of this
 * class, named `REGISTRY_NAME` (src/tenants/stores.ts), is the tenant registry: it only lists tenants.
 */

import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { assertTrainable } from "../jobs/readiness";
import { assertRetained } from "../jobs/retained-samples";
import { runQueuedJobs } from "../jobs/run-jobs";
import { isolatePool } from "../runtime/deployments/isolate-pool";
import type { SelectionRequest } from "../selection/select-backbone";
import { now } from "./clock";
import { assertEmbeddedInAdapterSpace, assertVersionFitsAdapter } from "./embedding-space";
import { adapterPrefix, deleteHeads, tenantPrefix, writeActivePointer } from "./heads";
import { attempt } from "./outcome";
import type { CreatedPosition, PageRequest } from "./page";
import {
  deleteRawPrefix,
  deleteRawSamples,
  rawAdapterPrefix,
  rawTenantPrefix,
} from "./raw-samples";
import type {
  EmbeddingSpace,
  JobKind,
  JobRequestOf,
  NewAdapter,
  NewSample,
  SwitchRequest,
  TenantRecord,
  TrainRequest,
} from "./records";
import type { DeletedSamples } from "./samples-table";
import { TenantState } from "./tenant-state";

export class TenantStore extends DurableObject<Bindings> {
  private readonly state: TenantState;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.state = new TenantState(ctx.storage);
    // A job still marked running belongs to an instance that is gone.
    if (this.state.exists)
      ctx.blockConcurrencyWhile(async () => this.state.jobs.failInterrupted(now()));
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
    await deleteHeads(this.env.HEADS, tenantPrefix(tenant.id));
    await deleteRawPrefix(this.env.SAMPLES, rawTenantPrefix(tenant.id));
    await this.state.erase();
  }

  issueKey(hash: string, hint: string) {
    return attempt(() => {
      this.state.requireTenant();
      return this.state.keys.add(hash, hint, now());
    });
  }

  listKeys(page: PageRequest<CreatedPosition>) {
    return attempt(() => {
      this.state.requireTenant();
      return this.state.keys.list(page);
    });
  }

  revokeKey(keyId: string) {
    return attempt(() => {
      this.state.requireTenant();
      this.state.keys.revoke(keyId);
    });
  }

  /** The tenant, when the key hash is one of its keys. */
  authenticate(keyHash: string): TenantRecord | null {
    const tenant = this.state.findTenant();
    return tenant && this.state.keys.matches(keyHash) ? tenant : null;
  }

  /** `authenticate`, then the adapter: one round trip for the prediction path. */
  async authenticateForAdapter(keyHash: string, adapterId: string) {
    const tenant = this.authenticate(keyHash);
    if (!tenant) return null;
    return { tenant, adapter: await attempt(() => this.state.adapters.get(adapterId)) };
  }

  // Adapters.

  createAdapter(adapter: NewAdapter) {
    return attempt(() => this.state.adapters.create(adapter, now()));
  }

  listAdapters(page: PageRequest<CreatedPosition>) {
    return this.state.adapters.list(page);
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
      });
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
        assertEmbeddedInAdapterSpace(this.state.adapters.get(adapterId), embeddedWith);
        return this.state.samples.add(adapterId, samples, now());
      }),
    );
  }

  sampleCounts(adapterId: string) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.samples.counts(adapterId);
    });
  }

  deleteSample(adapterId: string, sampleId: string) {
    return this.deleteSamples(adapterId, () => this.state.samples.deleteById(adapterId, sampleId));
  }

  deleteSamplesByLabel(adapterId: string, label: string) {
    return this.deleteSamples(adapterId, () => this.state.samples.deleteByLabel(adapterId, label));
  }

  // Training jobs.

  startTraining(adapterId: string, request: TrainRequest) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      assertTrainable(this.state.samples.counts(adapterId));
      return this.enqueue(adapterId, "training", request);
    });
  }

  // Backbone selection, and switching to the chosen backbone: both re-embed the raw uploads.

  startSelection(adapterId: string, request: SelectionRequest) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      assertTrainable(this.state.samples.counts(adapterId), "k-fold cross-validation");
      assertRetained(this.state.samples.rawSamples(adapterId));
      return this.enqueue(adapterId, "selection", request);
    });
  }

  startSwitch(adapterId: string, request: SwitchRequest) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      assertTrainable(this.state.samples.counts(adapterId));
      assertRetained(this.state.samples.rawSamples(adapterId));
      return this.enqueue(adapterId, "switch", request);
    });
  }

  getJob(jobId: string) {
    return attempt(() => this.state.jobs.get(jobId));
  }

  listJobs(adapterId: string) {
    return attempt(() => {
      this.state.adapters.get(adapterId);
      return this.state.jobs.list(adapterId);
    });
  }

  override async alarm() {
    const tenant = this.state.findTenant();
    if (!tenant) return;
    await runQueuedJobs({
      state: this.state,
      heads: this.env.HEADS,
      tenantId: tenant.id,
      rawSamples: this.env.SAMPLES,
      backbones: () => isolatePool(this.env.ASSETS),
    });
  }

  // Head versions.

  listVersions(adapterId: string, page: PageRequest<number>) {
    return attempt(() => {
      const adapter = this.state.adapters.get(adapterId);
      return this.state.versions.list(adapterId, adapter.activeVersion, page);
    });
  }

  activateVersion(adapterId: string, version: number) {
    return attempt(async () => {
      const tenant = this.state.requireTenant();
      const adapter = this.state.adapters.get(adapterId);
      const activated = this.state.versions.get(adapterId, version, version);
      assertVersionFitsAdapter(adapter, activated);
      this.state.adapters.activate(adapterId, version);
      await writeActivePointer(this.env.HEADS, tenant.id, adapterId, version);
      return activated;
    });
  }

  private async enqueue<K extends JobKind>(adapterId: string, kind: K, request: JobRequestOf[K]) {
    const job = this.state.jobs.enqueue(adapterId, kind, request, now());
    await this.ctx.storage.setAlarm(Date.now());
    return job;
  }

  private deleteSamples(adapterId: string, remove: () => DeletedSamples) {
    return attempt(async () => {
      this.state.adapters.get(adapterId);
      const { deleted, rawKeys } = remove();
      await deleteRawSamples(this.env.SAMPLES, rawKeys);
      return { deleted };
    });
  }
}
