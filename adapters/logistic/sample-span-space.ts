import { addTransposedProduct, fixedLeft, gemmKernel, multiplyByTransposed } from "../linalg/gemm";
import { maxAbs } from "../linalg/vector";
import type { SearchSpace, SpaceFactory } from "../solvers/search-space";
import {
  addColumnSums,
  type LogisticProblem,
  residualsOf,
  totalWeightOf,
  weightRowCount,
} from "./multinomial-loss";

/**
 * Whether L-BFGS on the logistic objective should run in the span of the samples, from multiply-add
 * counts per iteration (n samples, d features, R weight rows). In coordinates, every evaluation
 * costs two n·d·R products (logits, gradient): about 2.2 n·d·R per iteration (1.1 evaluations). In
 * the span, an iteration costs one n·n·R product (G R, for the accepted point only: trial points of
 * the line search cost O(nR)), plus an n·d·R expansion of the gradient where the stopping test's
 * cheap bounds do not decide (counted here a third of the time; fewer in practice); its vectors are
 * (n + 2)·R long twice instead of (d + 1)·R. The span is taken when it does at most half the
 * coordinates' work per iteration (n <= ~0.77 d), and its Gram matrix (n·n·d / 2, once per X) is
 * either shared by a sweep's fits (a memo) or repaid within LONE_FIT_ITERATIONS iterations of this
 * fit alone (a warm-started refit after a sweep runs more than that).
 */
export function spanPays(
  samples: number,
  features: number,
  rows: number,
  gramShared: boolean,
): boolean {
  const [n, d] = [samples, features];
  const inCoordinates = 2.2 * n * d * rows;
  const inSpan = n * n * rows + (n * d * rows) / 3;
  const gram = (n * n * d) / 2;
  return (
    n <= MAX_SPAN_SAMPLES &&
    2 * inSpan <= inCoordinates &&
    (gramShared || gram <= LONE_FIT_ITERATIONS * (inCoordinates - inSpan))
  );
}

/** The Gram matrix is n x n float64: 8 MB at this n, well inside a Worker's 128 MB. */
const MAX_SPAN_SAMPLES = 1024;
const LONE_FIT_ITERATIONS = 20;

/**
 * The logistic objective's L-BFGS vectors, stored in the span of the training samples. With L2 on W
 * (intercepts free), every vector the search forms from a start W0 — iterate, gradient
 * X^T R + W / (C S) (R the residuals), direction, correction pairs — has weight rows
 * w_k = sum_i c_ik x_i + c_nk W0_k:
 * coefficients c ((n + 1) x R, the last row on the start's own weights) and R intercepts b. Each
 * vector keeps its coefficients and their images u_k = B_k c_k, where B_k stacks the samples and
 * W0_k, so w.w' = c.u' + b.b' costs O(nR), a combination applies to c and u alike, and the logits at
 * an iterate are u + b. This is the coordinate search's own path, not an approximation: the same
 * inner products, computed through the Gram matrix G = X X^T instead of d-long rows.
 *
 * Stored form of vector v, in a kernel VectorBlock: vector 2v = [c, b], vector 2v + 1 = [u, b],
 * so one kernel dot of 2a with 2b + 1 is v_a . v_b. A gradient's image needs G R (R the residuals):
 * it is computed when first read, which for a rejected trial point of the line search is never.
 */
export function sampleSpanSpace(
  problem: LogisticProblem,
  /** Parameters in coordinates (R weight rows, then R intercepts), as the coordinate search takes. */
  start: Float64Array,
  /** X X^T of the problem's X (n x n). */
  gram: Float64Array,
): SpaceFactory {
  const { X, classCount, C } = problem;
  const { rows: n, cols: d } = X;
  const rows = weightRowCount(classCount);
  const weightLength = rows * d;
  const coefficientLength = (n + 1) * rows;
  const length = coefficientLength + rows;
  const l2 = 1 / (C * totalWeightOf(problem));
  const startWeights = start.subarray(0, weightLength);
  // Images of the start's rows: p = X W0^T (n x R), q_k = |W0_k|^2.
  const startImages = new Float64Array(n * rows);
  multiplyByTransposed(X.data, startWeights, n, rows, d, startImages);
  const startSquares = Float64Array.from({ length: rows }, (_, r) => {
    const w = startWeights.subarray(r * d, (r + 1) * d);
    return w.reduce((sum, value) => sum + value * value, 0);
  });
  const residuals = residualsOf(problem);

  return (vectorCount) => {
    const block = gemmKernel().vectors(2 * vectorCount, length);
    const gramLeft = fixedLeft(gram, n, n);
    const coefficients = (v: number) => block.views[2 * v] as Float64Array;
    const images = (v: number) => block.views[2 * v + 1] as Float64Array;
    const residual = new Float64Array(n * rows);
    const residualT = new Float64Array(rows * n);
    const gramTimesResidual = new Float64Array(n * rows);
    /** The gradient whose image still lacks G R (R in `residual`), if any. */
    let pending = -1;

    const complete = (v: number) => {
      if (v < 0 || pending !== v) return;
      pending = -1;
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < rows; r++) residualT[r * n + i] = residual[i * rows + r] as number;
      }
      gramLeft.multiplyByTransposed(residualT, rows, gramTimesResidual);
      const u = images(v);
      for (let j = 0; j < n * rows; j++) u[j] = (u[j] as number) + (gramTimesResidual[j] as number);
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < rows; r++) {
          u[n * rows + r] =
            (u[n * rows + r] as number) +
            (startImages[i * rows + r] as number) * (residual[i * rows + r] as number);
        }
      }
    };
    const overwritten = (v: number) => {
      if (pending === v) pending = -1;
    };
    /** Weight rows in coordinates, then the intercepts. */
    const coordinates = (v: number) => {
      const c = coefficients(v);
      const theta = new Float64Array(weightLength + rows);
      addTransposedProduct(
        c.subarray(0, n * rows),
        X.data,
        n,
        rows,
        d,
        theta.subarray(0, weightLength),
      );
      for (let r = 0; r < rows; r++) {
        const beta = c[n * rows + r] as number;
        for (let j = 0; j < d; j++) {
          theta[r * d + j] =
            (theta[r * d + j] as number) + beta * (startWeights[r * d + j] as number);
        }
        theta[weightLength + r] = c[coefficientLength + r] as number;
      }
      return theta;
    };

    const space: SearchSpace = {
      storedLength: 2 * length,
      dot(a, b) {
        complete(b);
        return block.dot(2 * a, 2 * b + 1);
      },
      axpy(alpha, x, y) {
        complete(x);
        complete(y);
        block.axpy(alpha, 2 * x, 2 * y);
        block.axpy(alpha, 2 * x + 1, 2 * y + 1);
      },
      scale(alpha, x) {
        complete(x);
        block.scale(alpha, 2 * x);
        block.scale(alpha, 2 * x + 1);
      },
      copy(from, to) {
        complete(from);
        overwritten(to);
        coefficients(to).set(coefficients(from));
        images(to).set(images(from));
      },
      writeStart(v) {
        overwritten(v);
        const [c, u] = [coefficients(v), images(v)];
        c.fill(0, 0, n * rows);
        c.fill(1, n * rows, coefficientLength);
        u.set(startImages);
        u.set(startSquares, n * rows);
        c.set(start.subarray(weightLength), coefficientLength);
        u.set(start.subarray(weightLength), coefficientLength);
      },
      evaluate(x, gradient) {
        complete(x);
        if (pending !== gradient) complete(pending);
        const [cx, ux] = [coefficients(x), images(x)];
        residual.set(ux.subarray(0, n * rows));
        const loss = residuals(residual, ux.subarray(coefficientLength));
        let squaredNorm = 0;
        for (let j = 0; j < coefficientLength; j++) {
          squaredNorm += (cx[j] as number) * (ux[j] as number);
        }
        const [cg, ug] = [coefficients(gradient), images(gradient)];
        for (let j = 0; j < coefficientLength; j++) {
          cg[j] = (j < n * rows ? (residual[j] as number) : 0) + l2 * (cx[j] as number);
          ug[j] = l2 * (ux[j] as number);
        }
        cg.fill(0, coefficientLength);
        addColumnSums(residual, n, rows, cg, coefficientLength);
        ug.set(cg.subarray(coefficientLength), coefficientLength);
        pending = gradient;
        return loss + 0.5 * l2 * squaredNorm;
      },
      maxAbsAtMost(v, bound) {
        complete(v);
        const [c, u] = [coefficients(v), images(v)];
        // max |g_j| lies between a weight row's norm / sqrt(d) and its norm (or is an intercept).
        const interceptMax = maxAbs(c.subarray(coefficientLength));
        let largestSquare = 0;
        for (let r = 0; r < rows; r++) {
          let square = 0;
          for (let i = 0; i <= n; i++)
            square += (c[i * rows + r] as number) * (u[i * rows + r] as number);
          largestSquare = Math.max(largestSquare, square);
        }
        const largestNorm = Math.sqrt(largestSquare);
        if (Math.max(interceptMax, largestNorm) <= bound) return true;
        if (Math.max(interceptMax, largestNorm / Math.sqrt(d)) > bound) return false;
        return maxAbs(coordinates(v)) <= bound;
      },
      coordinates,
      stored(v) {
        complete(v);
        const values = new Float64Array(2 * length);
        values.set(coefficients(v));
        values.set(images(v), length);
        return values;
      },
      restore(v, values) {
        overwritten(v);
        coefficients(v).set(values.subarray(0, length));
        images(v).set(values.subarray(length, 2 * length));
      },
    };
    return space;
  };
}
