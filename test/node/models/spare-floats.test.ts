import { describe, expect, it } from "vitest";
import { SpareFloats } from "../../../models/spare-floats";

const bufferOf = (spare: SpareFloats, length: number) =>
  spare.lend(length, async (floats) => {
    expect(floats.length).toBe(length);
    return floats.buffer;
  });

describe("SpareFloats", () => {
  it("lends the same array to passes one after another, a bigger one when it must", async () => {
    const spare = new SpareFloats();
    const first = await bufferOf(spare, 8);
    expect(await bufferOf(spare, 8)).toBe(first);
    expect(await bufferOf(spare, 4)).toBe(first);
    const bigger = await bufferOf(spare, 16);
    expect(bigger).not.toBe(first);
    expect(await bufferOf(spare, 8)).toBe(bigger);
  });

  it("gives a pass that starts while another holds the array one of its own", async () => {
    const spare = new SpareFloats();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outer = spare.lend(8, async (floats) => {
      const inner = await bufferOf(spare, 8);
      await held;
      return [floats.buffer, inner];
    });
    release();
    const [outerBuffer, innerBuffer] = await outer;
    expect(innerBuffer).not.toBe(outerBuffer);
  });

  it("takes the array back when the pass fails", async () => {
    const spare = new SpareFloats();
    const first = await bufferOf(spare, 8);
    await expect(
      spare.lend(8, async () => {
        throw new Error("forward pass failed");
      }),
    ).rejects.toThrow("forward pass failed");
    expect(await bufferOf(spare, 8)).toBe(first);
  });
});
