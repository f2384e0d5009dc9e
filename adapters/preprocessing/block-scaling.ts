import { HeadInputError } from "../errors";
import type { FeatureMatrix } from "../linalg/matrix";
import { StandardScaler } from "./standard-scaler";

/**
 * The scaler of a head's preprocessing, balanced across the blocks of a fused embedding (several
 * backbones' vectors side by side, `BackboneRef.blocks`).
 *
 * After standardisation every feature has unit variance, so a block of d_b features carries d_b of
 * the D in total; under the heads' isotropic L2 penalty a 4,096-d lexical block would outweigh a
 * 512-d sentence encoder 8 to 1 before seeing any data. Each block's features are therefore also
 * divided by √(B · d_b / D): every one of the B blocks then carries D / B of the variance, and the
 * whole still carries D, so a C means for a fusion what it means for one backbone. The factor is
 * folded into the scaler's `scale`, so the stored head applies it at prediction as it is. Without
 * blocks (or with one) this is the plain scaler. Centring-only heads (prototype) get the same
 * balance on their raw, L2-normalised blocks. `rows`: fit on these rows of X only (default: all).
 */
export function fitScaler(
  X: FeatureMatrix,
  standardize: boolean,
  blocks?: readonly number[],
  rows?: ArrayLike<number>,
): StandardScaler {
  const scaler = new StandardScaler({ withStd: standardize }).fit(X, rows);
  if (!blocks || blocks.length < 2) return scaler;
  const total = blocks.reduce((a, b) => a + b, 0);
  if (total !== X.cols || !blocks.every((d) => Number.isInteger(d) && d > 0)) {
    throw new HeadInputError(
      "wrong-dimension",
      `fusion blocks ${JSON.stringify(blocks)} do not add up to the ${X.cols} features`,
    );
  }
  let start = 0;
  for (const dim of blocks) {
    const factor = Math.sqrt((blocks.length * dim) / total);
    for (let j = start; j < start + dim; j++)
      scaler.scale[j] = (scaler.scale[j] as number) * factor;
    start += dim;
  }
  return scaler;
}
