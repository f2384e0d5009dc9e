/**
 * One float array kept for the next forward pass's input batch. V8 frees large array buffers late
 * (it lets tens of MB of them pile up before it collects): with a fresh batch per pass (1.2 MB for
 * two images at 224×224), a 64-image predict grew workerd's peak by 36–42 MB, with this one by
 * 23–26 MB. It costs one batch for the backbone's life. The runtimes copy the batch into their wasm
 * heap, so it is free again once the pass has finished; a pass that starts while another holds it
 * gets an array of its own, so concurrent requests never share one.
 */
export class SpareFloats {
  private spare: Float32Array | undefined;

  /** Runs `use` on `length` floats of the spare array (or a new one), then keeps that array. */
  async lend<T>(length: number, use: (floats: Float32Array) => Promise<T>): Promise<T> {
    const spare = this.spare;
    const held = spare && spare.length >= length ? spare : new Float32Array(length);
    this.spare = undefined;
    try {
      return await use(held.subarray(0, length));
    } finally {
      this.spare = held;
    }
  }
}
