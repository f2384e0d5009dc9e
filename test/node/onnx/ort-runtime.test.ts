import { beforeAll, describe, expect, it } from "vitest";
import {
  createOrtSession,
  OnnxModelError,
  type OnnxSignature,
  useOrtWasm,
} from "../../../src/runtime/ort";
import { compileOrtWasm } from "../../../src/runtime/ort/node-wasm";
import { TINY_SIGNATURE, tinyExpected, tinyModel } from "./tiny-model";

beforeAll(async () => {
  useOrtWasm(await compileOrtWasm());
});

describe("onnxruntime-web from a precompiled module", () => {
  it("runs a model and reports its real signature", async () => {
    const session = await createOrtSession(tinyModel(), { signature: TINY_SIGNATURE });
    expect(session.signature).toEqual(TINY_SIGNATURE);
    const x = [0.5, 3, -4, 20, -1.5, 9];
    const { y } = await session.run({
      x: { dtype: "float32", data: new Float32Array(x), dims: [3, 2] },
    });
    expect(y?.dims).toEqual([3, 2]);
    expect(Array.from(y?.data as Float32Array)).toEqual(tinyExpected(x));
    await session.release();
  });

  it("leaves WebAssembly.instantiate as it found it", async () => {
    const before = WebAssembly.instantiate;
    await (await createOrtSession(tinyModel())).release();
    expect(WebAssembly.instantiate).toBe(before);
  });

  it("refuses a second, different wasm module in the same process", async () => {
    const other = await compileOrtWasm();
    expect(() => useOrtWasm(other)).toThrow(/already running another WebAssembly.Module/);
  });
});

describe("bring-your-own model validation", () => {
  const refusal = async (model: Uint8Array, signature?: OnnxSignature) => {
    const error = await createOrtSession(model, signature && { signature }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OnnxModelError);
    return error as OnnxModelError;
  };

  it("refuses a wrong input name, naming both", async () => {
    const error = await refusal(tinyModel(), {
      ...TINY_SIGNATURE,
      inputs: [{ name: "pixels", dtype: "float32", shape: [-1, 2] }],
    });
    expect(error.reason).toBe("signature-mismatch");
    expect(error.message).toContain("input 'pixels' is missing (model has 'x')");
    expect(error.message).toContain("input 'x' is not declared");
  });

  it("refuses a wrong dtype and shape", async () => {
    const error = await refusal(tinyModel(), {
      inputs: [{ name: "x", dtype: "int32", shape: [-1, 2] }],
      outputs: [{ name: "y", dtype: "float32", shape: [1, 2] }],
    });
    expect(error.message).toContain("input 'x' has type float32, manifest says int32");
    expect(error.message).toContain("output 'y' has shape [-1,2], manifest says [1,2]");
  });

  it("refuses a missing output", async () => {
    const error = await refusal(tinyModel(), {
      ...TINY_SIGNATURE,
      outputs: [{ name: "embedding", dtype: "float32", shape: [-1, 2] }],
    });
    expect(error.message).toContain("output 'embedding' is missing (model has 'y')");
  });

  it("refuses a truncated file", async () => {
    const model = tinyModel();
    const error = await refusal(model.subarray(0, model.byteLength - 9), TINY_SIGNATURE);
    expect(error.reason).toBe("unreadable-model");
    expect(error.message).toMatch(/^cannot load ONNX model: /);
  });

  it("refuses a corrupt file", async () => {
    const error = await refusal(new TextEncoder().encode("<!DOCTYPE html><html>not found</html>"));
    expect(error.reason).toBe("unreadable-model");
  });

  it("refuses an empty file", async () => {
    const error = await refusal(new Uint8Array(0));
    expect(error.message).toBe("ONNX model file is empty");
  });
});
