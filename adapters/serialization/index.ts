export { base64ToBytes, base64UrlToBytes, bytesToBase64, bytesToBase64Url } from "./base64";
export { decodeCheckpoint, encodeCheckpoint } from "./checkpoint-codec";
export { decodeContainer, encodeContainer, FORMAT_VERSION } from "./container";
export { decodeHead, encodeHead } from "./head-codec";
export { describeHead, type HeadDescription, type HeadStep } from "./head-description";
