import { logisticHeadSpec } from "../logistic/head-spec";
import { mlpHeadSpec } from "../mlp/head-spec";
import { prototypeHeadSpec } from "../prototype/head-spec";
import type { HeadType } from "../types";
import type { HeadSpec } from "./head-spec";

export const HEAD_SPECS: Record<HeadType, HeadSpec> = {
  logistic: logisticHeadSpec,
  prototype: prototypeHeadSpec,
  mlp: mlpHeadSpec,
};
