/** Inputs a backbone cannot embed; the HTTP layer maps each code to a 4xx problem type. */
export type InputErrorCode = "wrong-modality" | "empty-text" | "unknown-layer" | "no-trainable-top";

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
