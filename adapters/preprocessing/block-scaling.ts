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
 *
 * Before the balance, no feature is scaled up past SCALE_FLOOR × its block's median spread. A
 * feature far narrower than its neighbours is near-constant in this data (a ReLU channel that
 * rarely fires: 5 % of MobileNetV2 1.4's pooled features on Fashion-MNIST spread less than 1/100
 * of the median, 38 not at all); plain standardisation would multiply it by up to 10⁶, which makes
 * its weight nearly free under the L2 penalty, and the head fits its noise. scikit-learn's
 * StandardScaler has no floor; with this one its LogisticRegression (C by 5-fold CV, same grid) went
 * from 70.4 to 73.0 % on Fashion-MNIST at 16 per class and 78.6 to 79.9 % at 64, and was unchanged
 * on SpamAssassin through use-lite and lexical (bench/results/heads.md).
 */
export function fitScaler(
  X: FeatureMatrix,
  standardize: boolean,
  blocks?: readonly number[],
  rows?: ArrayLike<number>,
): StandardScaler {
  const scaler = new StandardScaler({ withStd: standardize }).fit(X, rows);
  if (!blocks || blocks.length < 2) return scaler.floorScales(SCALE_FLOOR);
  const total = blocks.reduce((a, b) => a + b, 0);
  if (total !== X.cols || !blocks.every((d) => Number.isInteger(d) && d > 0)) {
    throw new HeadInputError(
      "wrong-dimension",
      `fusion blocks ${JSON.stringify(blocks)} do not add up to the ${X.cols} features`,
    );
  }
  let start = 0;
  for (const dim of blocks) {
    scaler.floorScales(SCALE_FLOOR, start, start + dim);
    const factor = Math.sqrt((blocks.length * dim) / total);
    for (let j = start; j < start + dim; j++)
      scaler.scale[j] = (scaler.scale[j] as number) * factor;
    start += dim;
  }
  return scaler;
}

/** The least scale of a feature, as a fraction of its block's median spread. */
export const SCALE_FLOOR = 0.1;
