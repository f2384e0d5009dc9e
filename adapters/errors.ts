export type HeadInputErrorCode =
  | "no-samples"
  | "too-many-samples"
  | "non-finite-feature"
  | "ragged-rows"
  | "wrong-dimension"
  | "single-class"
  | "too-few-samples"
  | "empty-label"
  | "label-too-long"
  | "reserved-label"
  | "too-many-classes"
  | "invalid-options"
  | "backbone-mismatch"
  | "corrupt-head";

/** A problem with what the caller passed in; `code` is stable, the message names the offending item. */
export class HeadInputError extends Error {
  readonly code: HeadInputErrorCode;
  /** The message without its code, for an API problem that states the code apart. */
  readonly detail: string;

  constructor(code: HeadInputErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = "HeadInputError";
    this.code = code;
    this.detail = detail;
  }
}
