import { describe, expect, it } from "vitest";
import { deserializeHead, HEAD_TYPES, HeadInputError, trainHead } from "../../../adapters";
import { realEmbeddings } from "./helpers";

const { backbone, samples } = realEmbeddings();
const fast = { hyperparameters: { maxEpochs: 20 }, sweep: { cGrid: [0.01, 1] } };

describe.each(HEAD_TYPES)("%s head serialization", (headType) => {
  it("round-trips bit-exactly and predicts identically", async () => {
    const { head, report } = await trainHead({
      headType,
      backbone,
      samples,
      options: { ...fast, targetPrecision: 0.9 },
    });
    const bytes = head.serialize();
    expect(bytes.length).toBe(report.serializedBytes);
    const restored = deserializeHead(bytes, backbone);
    expect(restored.serialize()).toEqual(bytes);
    expect(restored.labels).toEqual(head.labels);
    const X = samples.slice(0, 10).map((s) => s.features);
    expect(restored.predict(X)).toEqual(head.predict(X));
  });
});

describe("loading a serialized head", () => {
  it("refuses another backbone, naming both", async () => {
    const { head } = await trainHead({ headType: "prototype", backbone, samples });
    const other = { ...backbone, weightsHash: "0000" };
    expect(() => deserializeHead(head.serialize(), other)).toThrowError(
      expect.objectContaining({
        code: "backbone-mismatch",
        message: expect.stringContaining("0000"),
      }),
    );
  });

  it("refuses truncated, padded or garbled bytes as corrupt-head", async () => {
    const { head } = await trainHead({ headType: "prototype", backbone, samples });
    const bytes = head.serialize();
    const garbled = Uint8Array.from(bytes);
    garbled[14] = 0x7b; // inside the JSON header
    for (const bad of [
      bytes.subarray(0, bytes.length - 4),
      Uint8Array.from([...bytes, 0, 0, 0, 0]),
      garbled,
      new Uint8Array(3),
    ]) {
      expect(() => deserializeHead(bad, backbone)).toThrowError(HeadInputError);
      expect(() => deserializeHead(bad, backbone)).toThrowError(/corrupt-head/);
    }
  });
});
