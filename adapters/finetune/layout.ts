/**
 * Offsets of a finetune head's parameters in one flat vector: the top's 1×1 convolution (kernel
 * O × C, bias O) then the classifier (kernel K × O, bias K). The top comes first so the two
 * learning rates apply to two contiguous slices.
 */
export interface TopLayout {
  /** H·W positions of the cut feature map. */
  positions: number;
  inChannels: number;
  outChannels: number;
  classCount: number;
  topKernel: number;
  topBias: number;
  classKernel: number;
  classBias: number;
  size: number;
}

export function topLayout(
  positions: number,
  inChannels: number,
  outChannels: number,
  classCount: number,
): TopLayout {
  const topKernel = 0;
  const topBias = topKernel + outChannels * inChannels;
  const classKernel = topBias + outChannels;
  const classBias = classKernel + classCount * outChannels;
  return {
    positions,
    inChannels,
    outChannels,
    classCount,
    topKernel,
    topBias,
    classKernel,
    classBias,
    size: classBias + classCount,
  };
}

/** Floats of one sample's cut activations. */
export function sampleLength(layout: Pick<TopLayout, "positions" | "inChannels">): number {
  return layout.positions * layout.inChannels;
}
