export { decodeContainer, encodeContainer, FORMAT_VERSION } from "./container";
export { decodeHead, encodeHead } from "./head-codec";
export { describeHead, type HeadDescription, type HeadStep } from "./head-description";
