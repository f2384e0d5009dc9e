/**
 * The tenant fleet: as many tenants as fit in a time budget (up to a cap), each with one text adapter
 * trained once on a few samples. Embedding the samples on upload and training are what a tenant
 * costs, so each uploads few and trains once; a few set up at a time keep workerd busy while
 * the client waits on replies and job polls.
 */

import type { BenchApi, TenantAdapter } from "./api";
import type { Sample } from "./texts";

export interface FleetOptions {
  readonly maxTenants: number;
  readonly budgetMs: number;
  readonly inFlight: number;
}

/** Where one tenant's setup time went, in ms. */
export interface SetupTimes {
  /** Tenant, key and adapter: three calls. */
  readonly create: number;
  readonly upload: number;
  /** POST …/train until the job is seen succeeded. */
  readonly train: number;
}

export interface Fleet {
  readonly tenants: readonly TenantAdapter[];
  readonly setups: readonly SetupTimes[];
  /** Why the setups that failed did: a failure costs that tenant, not the whole run. */
  readonly failures: readonly string[];
  readonly wallMs: number;
}

export async function buildFleet(
  api: BenchApi,
  samples: readonly Sample[],
  { maxTenants, budgetMs, inFlight }: FleetOptions,
): Promise<Fleet> {
  const start = performance.now();
  const tenants: TenantAdapter[] = [];
  const setups: SetupTimes[] = [];
  const failures: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started < maxTenants && performance.now() - start < budgetMs) {
      try {
        const { tenant, times } = await setUpTenant(api, `bench-${started++}`, samples);
        tenants.push(tenant);
        setups.push(times);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { tenants, setups, failures, wallMs: performance.now() - start };
}

async function setUpTenant(
  api: BenchApi,
  name: string,
  samples: readonly Sample[],
): Promise<{ tenant: TenantAdapter; times: SetupTimes }> {
  const t0 = performance.now();
  const tenant = await api.createTenantAdapter(name);
  const t1 = performance.now();
  await api.upload(tenant, samples);
  const t2 = performance.now();
  await api.train(tenant);
  const t3 = performance.now();
  return { tenant, times: { create: t1 - t0, upload: t2 - t1, train: t3 - t2 } };
}

export interface Seeding {
  readonly clones: readonly TenantAdapter[];
  readonly wallMs: number;
}

/** `count` seeded tenants, copies of the real ones' records and heads taken in turn. */
export async function seedClones(
  api: BenchApi,
  templates: readonly TenantAdapter[],
  count: number,
): Promise<Seeding> {
  const start = performance.now();
  const clones: TenantAdapter[] = [];
  for (let batch = 0; clones.length < count; batch++) {
    const template = templates[batch % templates.length];
    if (!template) throw new Error("no real tenant to copy");
    clones.push(...(await api.cloneTenants(template, Math.min(SEED_BATCH, count - clones.length))));
  }
  return { clones, wallMs: performance.now() - start };
}

/** Clones per template before the next template's turn. */
const SEED_BATCH = 500;
