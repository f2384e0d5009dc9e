import { HeadInputError } from "../../adapters";
import { ImageError } from "../../models/image/image-error";
import { InputError } from "../../models/input-error";
import { Problem } from "../problem";
import type { JobKind } from "../storage/records";

/** Why a job failed, as stored with it: a stable code and a human detail. */
export function failureOf(error: unknown, kind: JobKind): { code: string; detail: string } {
  if (error instanceof HeadInputError) return { code: error.code, detail: error.detail };
  if (error instanceof Problem) return { code: error.slug, detail: error.detail };
  if (error instanceof InputError || error instanceof ImageError) {
    return { code: error.code, detail: error.message };
  }
  console.error(`${kind} job failed`, error);
  const detail = error instanceof Error ? error.message : String(error);
  return { code: `${kind}-failed`, detail };
}
