export {
  checkImageHeader,
  DEFAULT_LIMITS,
  type DecodeLimits,
  decodeImage,
  decodeUntrustedImage,
  MAX_PROGRESSIVE_COEFFICIENT_BYTES,
  MAX_SIDE,
} from "./decode";
export { ImageError, type ImageErrorCode } from "./image-error";
export { centerSquare, cropAndResize, type Region, resizeBilinear } from "./resize";
export type { RgbImage } from "./rgb-image";
export { useScaledJpegDecoder } from "./scaled-jpeg";
export { type ImageFormat, sniffFormat } from "./sniff";
