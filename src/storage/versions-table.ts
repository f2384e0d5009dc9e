import type { AdapterHeadType } from "../../adapters";
import { echoId, Problem } from "../problem";
import type { PageRequest } from "./page";
import type { VersionRecord } from "./records";

type VersionRow = {
  adapter_id: string;
  version: number;
  job_id: string;
  head_type: AdapterHeadType;
  head_key: string;
  head_bytes: number;
  report: string;
  created_at: string;
  backbone: string;
  weights_hash: string;
  layer: string | null;
};

export type NewVersion = Omit<VersionRecord, "active">;

/** Characters of reports a page of versions may hold (their JSON; about as many bytes). */
export const PAGE_REPORT_CHARS = 4 * 2 ** 20;

/** The head versions of each adapter: immutable once written; the adapter row says which is active. */
export class VersionsTable {
  constructor(private readonly sql: SqlStorage) {}

  add(version: NewVersion): void {
    this.sql.exec(
      `INSERT INTO versions (adapter_id, version, job_id, head_type, head_key, head_bytes, report, created_at,
         backbone, weights_hash, layer)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      version.adapterId,
      version.version,
      version.jobId,
      version.headType,
      version.headKey,
      version.headBytes,
      JSON.stringify(version.report),
      version.createdAt,
      version.binding.backbone,
      version.binding.weightsHash,
      version.binding.layer,
    );
  }

  /**
   * Newest first; `page.after` is the last version of the previous page, and `page.limit` counts one
   * version more than the page, to know whether another follows. A report can reach a few hundred KB
   * (a 256-label confusion matrix, 2,000 held-out predictions), so a page also ends once it holds
   * PAGE_REPORT_CHARS of reports (after at least one version).
   */
  list(
    adapterId: string,
    activeVersion: number | null,
    page: PageRequest<number>,
  ): { versions: VersionRecord[]; more: boolean } {
    const rows = this.sql.exec<VersionRow>(
      "SELECT * FROM versions WHERE adapter_id = ? AND version < ? ORDER BY version DESC LIMIT ?",
      adapterId,
      page.after ?? Number.MAX_SAFE_INTEGER,
      page.limit,
    );
    const versions: VersionRecord[] = [];
    let reportChars = 0;
    for (const row of rows) {
      if (versions.length === page.limit - 1 || reportChars > PAGE_REPORT_CHARS) {
        return { versions, more: true };
      }
      versions.push(toVersion(row, activeVersion));
      reportChars += row.report.length;
    }
    return { versions, more: false };
  }

  get(adapterId: string, version: number, activeVersion: number | null): VersionRecord {
    const row = this.sql
      .exec<VersionRow>(
        "SELECT * FROM versions WHERE adapter_id = ? AND version = ?",
        adapterId,
        version,
      )
      .toArray()[0];
    if (!row) {
      throw new Problem(
        404,
        "version-not-found",
        `adapter ${echoId(adapterId)} has no head version ${version}`,
      );
    }
    return toVersion(row, activeVersion);
  }

  deleteAll(adapterId: string): void {
    this.sql.exec("DELETE FROM versions WHERE adapter_id = ?", adapterId);
  }
}

function toVersion(row: VersionRow, activeVersion: number | null): VersionRecord {
  return {
    adapterId: row.adapter_id,
    version: row.version,
    binding: { backbone: row.backbone, weightsHash: row.weights_hash, layer: row.layer },
    jobId: row.job_id,
    headType: row.head_type,
    headKey: row.head_key,
    headBytes: row.head_bytes,
    active: row.version === activeVersion,
    report: JSON.parse(row.report),
    createdAt: row.created_at,
  };
}
