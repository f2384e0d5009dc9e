import { multiplyByTransposed } from "../linalg/gemm";
import type { Matrix } from "../linalg/matrix";
import { classSupport } from "../protocol/class-indices";
import { symmetricEigen } from "./symmetric-eigen";

/**
 * LogME (You, Liu, Wang, Long: "LogME: Practical Assessment of Pre-trained Models for Transfer
 * Learning", ICML 2021): how well a frozen feature extractor suits a labelled task, without training.
 *
 * For each class k, the one-hot target y ∈ {0,1}ⁿ is modelled as Bayesian linear regression on the
 * features F (n × D): y = F w + ε, prior w ~ N(0, α⁻¹ I_D), noise ε ~ N(0, β⁻¹ I_n). Integrating
 * w out gives the evidence
 *
 *   log p(y | F, α, β) = D/2 log α + n/2 log β − n/2 log 2π
 *                        − β/2 ‖F m − y‖² − α/2 mᵀm − 1/2 log |A|,
 *   A = α I + β FᵀF,  m = β A⁻¹ Fᵀ y.
 *
 * α and β are set by MacKay's fixed point, which the paper uses (its Algorithm 1): with σᵢ the
 * eigenvalues of FᵀF,  γ = Σᵢ βσᵢ / (α + βσᵢ),  α ← γ / mᵀm,  β ← (n − γ) / ‖F m − y‖².
 * The score is the maximised evidence divided by n, averaged over classes.
 *
 * Everything is computed in the eigenbasis of the smaller Gram matrix, as the paper does for speed:
 * FFᵀ (n × n) when n ≤ D, else FᵀF (D × D). Writing F = Σ √σᵢ uᵢ vᵢᵀ and zᵢ = uᵢᵀ y,
 *
 *   mᵀm       = Σᵢ β² σᵢ zᵢ² / (α + βσᵢ)²
 *   ‖F m − y‖² = Σᵢ α² zᵢ² / (α + βσᵢ)²  +  (‖y‖² − Σᵢ zᵢ²)      (the last term: y outside F's span)
 *   log |A|   = Σᵢ log(α + βσᵢ) + (D − r) log α                    (r = min(n, D) eigenvalues)
 *
 * which needs one eigendecomposition for all classes and O(r) work per fixed-point step. Features
 * are used as given (no centring or scaling), as in the paper; the maximised evidence is invariant
 * to scaling F by a constant and to rotating its columns (both leave the σᵢ-weighted terms intact).
 */

export interface LogMEOptions {
  /** Stop when α and β both change by less than this fraction (the paper's reference code: 1e-2). */
  tolerance?: number;
  maxIterations?: number;
}

export interface ClassEvidence {
  alpha: number;
  beta: number;
  /** Maximised log evidence divided by n. */
  evidence: number;
  iterations: number;
}

export interface LogMEResult {
  /** Mean over classes of the per-sample log evidence; higher means a better fit for transfer. */
  score: number;
  perClass: ClassEvidence[];
}

const DEFAULT_TOLERANCE = 1e-6;
const DEFAULT_MAX_ITERATIONS = 100;
/** α and β stay in this range, so degenerate features (all zero, or fitting y exactly) stay finite. */
const PRECISION_BOUNDS = { min: 1e-12, max: 1e12 } as const;

/** The spectrum of F and the projections of each class's target onto F's left singular vectors. */
interface Spectrum {
  n: number;
  d: number;
  sigma: Float64Array;
  /** zSquared[k][i] = (uᵢᵀ y_k)². */
  zSquared: Float64Array[];
  /** ‖y_k‖² − Σᵢ zᵢ²: the part of y_k no linear function of the features reaches. */
  outside: Float64Array;
}

export function logME(
  features: Matrix,
  y: Int32Array,
  classCount: number,
  options: LogMEOptions = {},
): LogMEResult {
  if (features.rows !== y.length) {
    throw new Error(`logME: ${features.rows} feature rows but ${y.length} labels`);
  }
  const spectrum = spectrumOf(features, y, classCount);
  const perClass = spectrum.zSquared.map((zSquared, k) =>
    maximizeEvidence(spectrum, zSquared, spectrum.outside[k] as number, options),
  );
  const score = perClass.reduce((sum, c) => sum + c.evidence, 0) / classCount;
  return { score, perClass };
}

function spectrumOf(features: Matrix, y: Int32Array, classCount: number): Spectrum {
  const { rows: n, cols: d } = features;
  const counts = classSupport(y, classCount);
  return n <= d
    ? spectrumFromRowGram(features, y, classCount, counts)
    : spectrumFromColumnGram(features, y, classCount, counts);
}

/** n ≤ D: eigenvectors of FFᵀ are the uᵢ themselves and span ℝⁿ, so nothing of y lies outside. */
function spectrumFromRowGram(
  features: Matrix,
  y: Int32Array,
  classCount: number,
  counts: Float64Array,
): Spectrum {
  const { rows: n, cols: d } = features;
  const gram = new Float64Array(n * n);
  multiplyByTransposed(features.data, features.data, n, n, d, gram);
  const { values, vectors } = symmetricEigen({ rows: n, cols: n, data: gram });
  const zSquared = Array.from({ length: classCount }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    // zᵢ for the one-hot target of class k sums uᵢ's components over the members of k.
    const sums = new Float64Array(classCount);
    for (let row = 0; row < n; row++) {
      const label = y[row] as number;
      sums[label] = (sums[label] as number) + (vectors[row * n + i] as number);
    }
    for (let k = 0; k < classCount; k++)
      (zSquared[k] as Float64Array)[i] = (sums[k] as number) ** 2;
  }
  return {
    n,
    d,
    sigma: values.map((value) => Math.max(value, 0)),
    zSquared,
    outside: counts.map((count, k) => Math.max(count - sum(zSquared[k] as Float64Array), 0)),
  };
}

/** n > D: with vᵢ the eigenvectors of FᵀF, zᵢ = vᵢᵀ Fᵀ y / √σᵢ (zero for a null direction). */
function spectrumFromColumnGram(
  features: Matrix,
  y: Int32Array,
  classCount: number,
  counts: Float64Array,
): Spectrum {
  const { rows: n, cols: d, data } = features;
  const transposed = new Float64Array(d * n);
  for (let row = 0; row < n; row++) {
    for (let j = 0; j < d; j++) transposed[j * n + row] = data[row * d + j] as number;
  }
  const gram = new Float64Array(d * d);
  multiplyByTransposed(transposed, transposed, d, d, n, gram);
  const { values, vectors } = symmetricEigen({ rows: d, cols: d, data: gram });
  // Fᵀ y_k: the sum of class k's feature rows.
  const classSums = new Float64Array(classCount * d);
  for (let row = 0; row < n; row++) {
    const offset = (y[row] as number) * d;
    for (let j = 0; j < d; j++) {
      classSums[offset + j] = (classSums[offset + j] as number) + (data[row * d + j] as number);
    }
  }
  const sigma = values.map((value) => Math.max(value, 0));
  const nullThreshold = (sigma[d - 1] ?? 0) * Math.max(n, d) * Number.EPSILON;
  const zSquared = Array.from({ length: classCount }, (_, k) => {
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const s = sigma[i] as number;
      if (s <= nullThreshold) continue;
      let t = 0;
      for (let j = 0; j < d; j++)
        t += (vectors[j * d + i] as number) * (classSums[k * d + j] as number);
      z[i] = (t * t) / s;
    }
    return z;
  });
  return {
    n,
    d,
    sigma,
    zSquared,
    outside: counts.map((count, k) => Math.max(count - sum(zSquared[k] as Float64Array), 0)),
  };
}

interface EvidenceTerms {
  gamma: number;
  weightNorm: number;
  residual: number;
  logDetA: number;
}

function evidenceTerms(
  spectrum: Spectrum,
  zSquared: Float64Array,
  outside: number,
  alpha: number,
  beta: number,
): EvidenceTerms {
  const { sigma, d } = spectrum;
  let gamma = 0;
  let weightNorm = 0;
  let residual = outside;
  let logDetA = (d - sigma.length) * Math.log(alpha);
  for (let i = 0; i < sigma.length; i++) {
    const s = sigma[i] as number;
    const z2 = zSquared[i] as number;
    const denominator = alpha + beta * s;
    gamma += (beta * s) / denominator;
    weightNorm += (beta * beta * s * z2) / (denominator * denominator);
    residual += (alpha * alpha * z2) / (denominator * denominator);
    logDetA += Math.log(denominator);
  }
  return { gamma, weightNorm, residual, logDetA };
}

function maximizeEvidence(
  spectrum: Spectrum,
  zSquared: Float64Array,
  outside: number,
  options: LogMEOptions,
): ClassEvidence {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const { n } = spectrum;
  // The paper's starting point.
  let alpha = 1;
  let beta = 1;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const { gamma, weightNorm, residual } = evidenceTerms(spectrum, zSquared, outside, alpha, beta);
    const nextAlpha = bounded(gamma / weightNorm);
    const nextBeta = bounded((n - gamma) / residual);
    const converged =
      Math.abs(nextAlpha - alpha) <= tolerance * alpha &&
      Math.abs(nextBeta - beta) <= tolerance * beta;
    alpha = nextAlpha;
    beta = nextBeta;
    if (converged) break;
  }
  return {
    alpha,
    beta,
    evidence: logEvidence(spectrum, zSquared, outside, alpha, beta) / n,
    iterations,
  };
}

/** The log evidence at (α, β), with m the posterior mean at that point. */
function logEvidence(
  spectrum: Spectrum,
  zSquared: Float64Array,
  outside: number,
  alpha: number,
  beta: number,
): number {
  const { n, d } = spectrum;
  const terms = evidenceTerms(spectrum, zSquared, outside, alpha, beta);
  return (
    (d / 2) * Math.log(alpha) +
    (n / 2) * Math.log(beta) -
    (n / 2) * Math.log(2 * Math.PI) -
    (beta / 2) * terms.residual -
    (alpha / 2) * terms.weightNorm -
    terms.logDetA / 2
  );
}

function bounded(value: number): number {
  if (!Number.isFinite(value)) return PRECISION_BOUNDS.max;
  return Math.min(Math.max(value, PRECISION_BOUNDS.min), PRECISION_BOUNDS.max);
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
