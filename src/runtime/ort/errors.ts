/** Why an ONNX model was refused; `reason` is stable, the message is for humans. */
export type OnnxModelErrorReason = "unreadable-model" | "unsupported-model" | "signature-mismatch";

export class OnnxModelError extends Error {
  override readonly name = "OnnxModelError";

  constructor(
    readonly reason: OnnxModelErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
