/** Inputs a backbone cannot embed; the HTTP layer maps each code to a 4xx problem type. */
export type InputErrorCode =
  | "wrong-modality"
  | "empty-text"
  | "unknown-layer"
  /** A fusion spec that cannot be served (models/fusion.ts). */
  | "invalid-fusion"
  /** A head type that trains the top, on a backbone without a declared top (models/trainable-top.ts). */
  | "no-trainable-top";

export class InputError extends Error {
  override readonly name = "InputError";

  constructor(
    readonly code: InputErrorCode,
    message: string,
    /** Position of the offending input in the batch, when one input is at fault. */
    readonly index?: number,
  ) {
    super(message);
  }
}
