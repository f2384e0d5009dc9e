import { constantTimeEqualHex } from "../digests";
import { echoId, Problem } from "../problem";
import { limitExceeded, TENANT_LIMITS } from "../tenant-limits";
import { newId } from "./ids";
import { type CreatedPosition, createdAfter, type PageRequest } from "./page";
import type { KeyRecord } from "./records";

type KeyRow = { id: string; hash: string; hint: string; created_at: string };

/** A tenant's API keys, as SHA-256 hashes only. */
export class KeysTable {
  constructor(private readonly sql: SqlStorage) {}

  add(hash: string, hint: string, now: string): KeyRecord {
    if (this.count() >= TENANT_LIMITS.keysPerTenant) {
      throw limitExceeded("keysPerTenant", "this tenant already has the most API keys allowed");
    }
    const id = newId("k");
    this.sql.exec(
      "INSERT INTO api_keys (id, hash, hint, created_at) VALUES (?, ?, ?, ?)",
      id,
      hash,
      hint,
      now,
    );
    return { id, hint, createdAt: now };
  }

  list(page: PageRequest<CreatedPosition>): KeyRecord[] {
    const { where, bindings } = createdAfter(page.after);
    return this.sql
      .exec<KeyRow>(
        `SELECT * FROM api_keys WHERE ${where} ORDER BY created_at, id LIMIT ?`,
        ...bindings,
        page.limit,
      )
      .toArray()
      .map(({ id, hint, created_at }) => ({ id, hint, createdAt: created_at }));
  }

  /** Deletes the key; answers its hash. */
  revoke(id: string): string {
    const row = this.sql
      .exec<{ hash: string }>("DELETE FROM api_keys WHERE id = ? RETURNING hash", id)
      .toArray()[0];
    if (!row) throw new Problem(404, "key-not-found", `no API key ${echoId(id)} for this tenant`);
    return row.hash;
  }

  /** Whether `hash` is a valid key's (a hash read from storage or KV, not a secret compared). */
  has(hash: string): boolean {
    return this.sql.exec("SELECT 1 FROM api_keys WHERE hash = ?", hash).toArray().length > 0;
  }

  /** Compares against every stored hash, without stopping at a match, so timing says nothing. */
  matches(hash: string): boolean {
    let found = false;
    for (const row of this.rows()) found = constantTimeEqualHex(row.hash, hash) || found;
    return found;
  }

  private count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM api_keys").one().n;
  }

  private rows(): KeyRow[] {
    return this.sql.exec<KeyRow>("SELECT * FROM api_keys ORDER BY created_at, id").toArray();
  }
}
