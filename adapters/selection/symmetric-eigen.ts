import type { Matrix } from "../linalg/matrix";

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns, row-major n × n: vectors[i * n + j] is component i of eigenvector j. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition A = V diag(λ) Vᵀ of a real symmetric matrix: Householder reduction to a
 * tridiagonal matrix (tred2), then the implicit QL algorithm with Wilkinson-like shifts (tql2). This
 * is the EISPACK routine pair as ported by JAMA; O(n³), backward stable, exact orthogonal V up to
 * rounding. A must be symmetric (not checked: callers pass Gram matrices).
 */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  const n = a.rows;
  if (a.cols !== n) throw new Error(`symmetricEigen: ${a.rows} × ${a.cols} is not square`);
  const v = Float64Array.from(a.data);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n);
  diagonalize(v, d, e, n);
  return { values: d, vectors: v };
}

const at = (array: Float64Array, i: number) => array[i] as number;

/** tred2: V ← the accumulated Householder transform, d ← diagonal, e ← sub-diagonal (e[0] = 0). */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = at(v, (n - 1) * n + j);
  for (let i = n - 1; i > 0; i--) {
    // Scale to avoid under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(at(d, k));
    if (scale === 0) {
      e[i] = at(d, i - 1);
      for (let j = 0; j < i; j++) {
        d[j] = at(v, (i - 1) * n + j);
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      // Generate the Householder vector.
      for (let k = 0; k < i; k++) {
        d[k] = at(d, k) / scale;
        h += at(d, k) * at(d, k);
      }
      let f = at(d, i - 1);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = at(d, j);
        v[j * n + i] = f;
        g = at(e, j) + at(v, j * n + j) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += at(v, k * n + j) * at(d, k);
          e[k] = at(e, k) + at(v, k * n + j) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = at(e, j) / h;
        f += at(e, j) * at(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = at(e, j) - hh * at(d, j);
      for (let j = 0; j < i; j++) {
        f = at(d, j);
        g = at(e, j);
        for (let k = j; k <= i - 1; k++) {
          v[k * n + j] = at(v, k * n + j) - (f * at(e, k) + g * at(d, k));
        }
        d[j] = at(v, (i - 1) * n + j);
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = at(v, i * n + i);
    v[i * n + i] = 1;
    const h = at(d, i + 1);
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = at(v, k * n + i + 1) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += at(v, k * n + i + 1) * at(v, k * n + j);
        for (let k = 0; k <= i; k++) v[k * n + j] = at(v, k * n + j) - g * at(d, k);
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = at(v, (n - 1) * n + j);
    v[(n - 1) * n + j] = 0;
  }
  if (n > 0) v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** tql2: diagonalises the tridiagonal (d, e), accumulating rotations into V; sorts ascending. */
function diagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = at(e, i);
  if (n > 0) e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // Find a small sub-diagonal element.
    tst1 = Math.max(tst1, Math.abs(at(d, l)) + Math.abs(at(e, l)));
    let m = l;
    while (m < n - 1 && Math.abs(at(e, m)) > eps * tst1) m++;
    // If m === l, d[l] is already an eigenvalue; otherwise iterate.
    if (m > l) {
      do {
        // Compute the implicit shift.
        let g = at(d, l);
        let p = (at(d, l + 1) - g) / (2 * at(e, l));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = at(e, l) / (p + r);
        d[l + 1] = at(e, l) * (p + r);
        const dl1 = at(d, l + 1);
        let h = g - at(d, l);
        for (let i = l + 2; i < n; i++) d[i] = at(d, i) - h;
        f += h;
        // Implicit QL transformation.
        p = at(d, m);
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = at(e, l + 1);
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * at(e, i);
          h = c * p;
          r = Math.hypot(p, at(e, i));
          e[i + 1] = s * r;
          s = at(e, i) / r;
          c = p / r;
          p = c * at(d, i) - s * g;
          d[i + 1] = h + s * (c * g + s * at(d, i));
          // Accumulate the rotation.
          for (let k = 0; k < n; k++) {
            h = at(v, k * n + i + 1);
            v[k * n + i + 1] = s * at(v, k * n + i) + c * h;
            v[k * n + i] = c * at(v, k * n + i) - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * at(e, l)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(at(e, l)) > eps * tst1);
    }
    d[l] = at(d, l) + f;
    e[l] = 0;
  }
  // Selection sort of the eigenvalues (and their vectors) into ascending order.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = at(d, i);
    for (let j = i + 1; j < n; j++) {
      if (at(d, j) < p) {
        k = j;
        p = at(d, j);
      }
    }
    if (k !== i) {
      d[k] = at(d, i);
      d[i] = p;
      for (let j = 0; j < n; j++) {
        const swap = at(v, j * n + i);
        v[j * n + i] = at(v, j * n + k);
        v[j * n + k] = swap;
      }
    }
  }
}
