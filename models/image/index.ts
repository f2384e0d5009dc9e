export {
  checkImageHeader,
  DEFAULT_LIMITS,
  type DecodeLimits,
  decodeImage,
  decodeUntrustedImage,
  MAX_SIDE,
} from "./decode";
export { ImageError, type ImageErrorCode } from "./image-error";
export { centerSquare, cropAndResize, type Region, resizeBilinear } from "./resize";
export type { RgbImage } from "./rgb-image";
export { type ImageFormat, sniffFormat } from "./sniff";
