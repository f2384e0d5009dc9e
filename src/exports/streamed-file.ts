/**
 * A file built as consecutive parts (an ONNX model: short encoded runs and the weights' raw data),
 * streamed one part after the other and each let go once read: the model is never joined into one
 * more buffer of its size, which a 128 MB isolate cannot spare.
 */

import { byteLengthOf } from "../../models/onnx";

export interface StreamedFile {
  readonly stream: ReadableStream<Uint8Array>;
  readonly byteLength: number;
}

export function streamedFile(parts: Uint8Array[]): StreamedFile {
  const byteLength = byteLengthOf(parts);
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next];
      if (part === undefined) return controller.close();
      parts[next++] = EMPTY;
      controller.enqueue(part);
    },
  });
  return { stream, byteLength };
}

const EMPTY = new Uint8Array(0);
