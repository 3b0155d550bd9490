/**
 * Dense Float64 linear algebra for EASE, in plain JS: the inverse of a symmetric positive
 * definite matrix through its Cholesky factor, P = A⁻¹ = L⁻ᵀ L⁻¹ (≈ n³/2 multiply-adds).
 * Matrices are row-major Float64Array of n·n. Every inner loop runs along a row (contiguous).
 */

/**
 * Inverts the symmetric positive definite `a` (n×n, row-major); `a` is overwritten (it becomes
 * scratch space). Returns the full symmetric inverse. Throws when `a` is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`invertSpd: expected ${n * n} values, got ${a.length}`);
  choleskyInPlace(a, n);
  invertLowerInPlace(a, n);
  return lowerGramian(a, n);
}

/** Cholesky–Banachiewicz: the lower triangle of `a` becomes L with A = L Lᵀ (upper triangle untouched). */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      const sum = a[rowI + j]! - dot(a, rowI, rowJ, j);
      if (i === j) {
        if (!(sum > 0)) throw new Error(`invertSpd: matrix is not positive definite (pivot ${i} = ${sum})`);
        a[rowI + i] = Math.sqrt(sum);
      } else {
        a[rowI + j] = sum / a[rowJ + j]!;
      }
    }
  }
}

/**
 * Replaces the lower-triangular L (in the lower triangle) by L⁻¹. Row i of L⁻¹ needs rows 0..i
 * of L only, so rows are solved from the last to the first and written back in place.
 */
export function invertLowerInPlace(l: Float64Array, n: number): void {
  const accumulator = new Float64Array(n);
  const solved = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    accumulator.fill(0, 0, i + 1);
    accumulator[i] = 1;
    // xᵀ L = e_iᵀ, solved right to left: x_k = acc_k / L_kk, then acc −= x_k · L[k, 0..k).
    for (let k = i; k >= 0; k--) {
      const rowK = k * n;
      const x = accumulator[k]! / l[rowK + k]!;
      solved[k] = x;
      if (x !== 0) axpyInto(accumulator, l, rowK, -x, k);
    }
    l.set(solved.subarray(0, i + 1), i * n);
  }
}

/** Given M lower-triangular (lower triangle of `m`), returns Mᵀ M as a full symmetric matrix. */
export function lowerGramian(m: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  // Mᵀ M = Σ_k r_k r_kᵀ over the rows r_k of M (r_k is non-zero in columns 0..k).
  for (let k = 0; k < n; k++) {
    const rowK = k * n;
    for (let i = 0; i <= k; i++) {
      const weight = m[rowK + i]!;
      if (weight !== 0) axpyRows(out, i * n, m, rowK, weight, i + 1);
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i]!;
  return out;
}

function dot(a: Float64Array, rowA: number, rowB: number, length: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let t = 0;
  for (; t + 3 < length; t += 4) {
    s0 += a[rowA + t]! * a[rowB + t]!;
    s1 += a[rowA + t + 1]! * a[rowB + t + 1]!;
    s2 += a[rowA + t + 2]! * a[rowB + t + 2]!;
    s3 += a[rowA + t + 3]! * a[rowB + t + 3]!;
  }
  for (; t < length; t++) s0 += a[rowA + t]! * a[rowB + t]!;
  return s0 + s1 + s2 + s3;
}

/** target[0..length) += factor · source[from..from+length) */
function axpyInto(target: Float64Array, source: Float64Array, from: number, factor: number, length: number): void {
  let t = 0;
  for (; t + 3 < length; t += 4) {
    target[t] = target[t]! + factor * source[from + t]!;
    target[t + 1] = target[t + 1]! + factor * source[from + t + 1]!;
    target[t + 2] = target[t + 2]! + factor * source[from + t + 2]!;
    target[t + 3] = target[t + 3]! + factor * source[from + t + 3]!;
  }
  for (; t < length; t++) target[t] = target[t]! + factor * source[from + t]!;
}

/** target[to..to+length) += factor · source[from..from+length) */
function axpyRows(target: Float64Array, to: number, source: Float64Array, from: number, factor: number, length: number): void {
  let t = 0;
  for (; t + 3 < length; t += 4) {
    target[to + t] = target[to + t]! + factor * source[from + t]!;
    target[to + t + 1] = target[to + t + 1]! + factor * source[from + t + 1]!;
    target[to + t + 2] = target[to + t + 2]! + factor * source[from + t + 2]!;
    target[to + t + 3] = target[to + t + 3]! + factor * source[from + t + 3]!;
  }
  for (; t < length; t++) target[to + t] = target[to + t]! + factor * source[from + t]!;
}
