/** Resident memory of a process from /proc (Linux): now, and the peak since the last reset. */

import { readFile, writeFile } from "node:fs/promises";

export async function residentBytes(
  pid: number | "self",
  field: "VmRSS" | "VmHWM",
): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1]);
  return kilobytes * 1024;
}

/** Resets the peak (VmHWM) to the current RSS, so the next reading is the peak of what follows. */
export async function resetPeak(pid: number | "self"): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, "5");
}
