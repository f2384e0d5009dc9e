/**
 * A picture as RGB values in [0, 255], rows top to bottom, 3 values per pixel, no padding: bytes as
 * decoded, or floats once resized to a backbone's input size (resizing interpolates between bytes).
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array | Float32Array;
}
