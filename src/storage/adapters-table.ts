import type { AdapterHeadType } from "../../adapters";
import { echoId, Problem } from "../problem";
import { limitExceeded, TENANT_LIMITS } from "../tenant-limits";
import { newId } from "./ids";
import { type CreatedPosition, createdAfter, type PageRequest } from "./page";
import type { AdapterRecord, BackboneBinding, NewAdapter } from "./records";

type AdapterRow = {
  id: string;
  name: string;
  backbone: string;
  backbone_version: string;
  weights_hash: string;
  dim: number;
  layer: string | null;
  /** JSON array of a fusion's block dims. */
  blocks: string | null;
  head_type: AdapterHeadType;
  active_version: number | null;
  next_version: number;
  created_at: string;
};

/** A tenant's adapters: each one task, bound to one backbone or a fusion (and its weights) and a head type. */
export class AdaptersTable {
  constructor(private readonly sql: SqlStorage) {}

  create(adapter: NewAdapter, now: string): AdapterRecord {
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM adapters").one().n;
    if (count >= TENANT_LIMITS.adaptersPerTenant) {
      throw limitExceeded("adaptersPerTenant", "this tenant already has the most adapters allowed");
    }
    const id = newId("a");
    this.sql.exec(
      `INSERT INTO adapters (id, name, backbone, backbone_version, weights_hash, dim, layer, blocks, head_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      adapter.name,
      adapter.backbone,
      adapter.backboneVersion,
      adapter.weightsHash,
      adapter.dim,
      adapter.layer,
      blocksColumn(adapter.blocks),
      adapter.headType,
      now,
    );
    return this.get(id);
  }

  list(page: PageRequest<CreatedPosition>): AdapterRecord[] {
    const { where, bindings } = createdAfter(page.after);
    return this.sql
      .exec<AdapterRow>(
        `SELECT * FROM adapters WHERE ${where} ORDER BY created_at, id LIMIT ?`,
        ...bindings,
        page.limit,
      )
      .toArray()
      .map(toAdapter);
  }

  get(id: string): AdapterRecord {
    const adapter = this.find(id);
    if (!adapter)
      throw new Problem(404, "adapter-not-found", `no adapter ${echoId(id)} for this tenant`);
    return adapter;
  }

  find(id: string): AdapterRecord | undefined {
    const row = this.sql.exec<AdapterRow>("SELECT * FROM adapters WHERE id = ?", id).toArray()[0];
    return row && toAdapter(row);
  }

  delete(id: string): void {
    this.get(id);
    this.sql.exec("DELETE FROM adapters WHERE id = ?", id);
  }

  /** Takes the next version number for good, so a failed write can never reuse (and overwrite) it. */
  reserveVersion(id: string): number {
    return this.sql
      .exec<{ version: number }>(
        "UPDATE adapters SET next_version = next_version + 1 WHERE id = ? RETURNING next_version - 1 AS version",
        id,
      )
      .one().version;
  }

  /** Binds the adapter to another backbone; its samples must be re-embedded in the same transaction. */
  rebind(id: string, binding: BackboneBinding): void {
    this.sql.exec(
      "UPDATE adapters SET backbone = ?, backbone_version = ?, weights_hash = ?, layer = ?, dim = ?, blocks = ? WHERE id = ?",
      binding.backbone,
      binding.backboneVersion,
      binding.weightsHash,
      binding.layer,
      binding.dim,
      blocksColumn(binding.blocks),
      id,
    );
  }

  activate(id: string, version: number): void {
    this.sql.exec("UPDATE adapters SET active_version = ? WHERE id = ?", version, id);
  }
}

function toAdapter(row: AdapterRow): AdapterRecord {
  return {
    id: row.id,
    name: row.name,
    backbone: row.backbone,
    backboneVersion: row.backbone_version,
    weightsHash: row.weights_hash,
    dim: row.dim,
    layer: row.layer,
    blocks: row.blocks === null ? null : (JSON.parse(row.blocks) as number[]),
    headType: row.head_type,
    activeVersion: row.active_version,
    createdAt: row.created_at,
  };
}

function blocksColumn(blocks: number[] | null): string | null {
  return blocks === null ? null : JSON.stringify(blocks);
}
