/**
 * Dense Float64 linear algebra for EASE, in plain JS: the inverse of a symmetric positive
 * definite matrix through its Cholesky factor, A = L Lᵀ, A⁻¹ = Wᵀ… with W = L⁻ᵀ (upper).
 * ≈ n³/2 multiply-adds. Matrices are row-major Float64Array of n·n.
 * Speed: every inner loop is a contiguous dot product, computed 2×2 at a time (four sums from
 * four loads) so the loops are limited by arithmetic rather than by memory traffic.
 */

/**
 * Inverts the symmetric positive definite `a` (n×n, row-major); `a` is overwritten and
 * returned holding the full symmetric inverse. Throws when `a` is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`invertSpd: expected ${n * n} values, got ${a.length}`);
  choleskyInPlace(a, n);
  const w = inverseTransposeOfLower(a, n);
  gramOfUpperRowsInto(w, n, a);
  return a;
}

const sums = new Float64Array(4);

/** s00 = x[r0]·y[c0], s01 = x[r0]·y[c1], s10 = x[r1]·y[c0], s11 = x[r1]·y[c1] over columns [from, to). */
function dot2x2(x: Float64Array, r0: number, r1: number, y: Float64Array, c0: number, c1: number, from: number, to: number): void {
  let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
  for (let t = from; t < to; t++) {
    const a = x[r0 + t]!, b = x[r1 + t]!, c = y[c0 + t]!, d = y[c1 + t]!;
    s00 += a * c;
    s01 += a * d;
    s10 += b * c;
    s11 += b * d;
  }
  sums[0] = s00;
  sums[1] = s01;
  sums[2] = s10;
  sums[3] = s11;
}

function dot(x: Float64Array, r0: number, y: Float64Array, c0: number, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) s += x[r0 + t]! * y[c0 + t]!;
  return s;
}

/** Cholesky–Banachiewicz, two rows at a time: the lower triangle of `a` becomes L (A = L Lᵀ). */
export function choleskyInPlace(a: Float64Array, n: number): void {
  const pivot = (i: number, value: number): number => {
    if (!(value > 0)) throw new Error(`invertSpd: matrix is not positive definite (pivot ${i} = ${value})`);
    return Math.sqrt(value);
  };
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    const ri = i * n;
    const ri1 = pair ? ri + n : ri;
    for (let j = 0; j < i; j += 2) {
      // i is even, so j and j + 1 are both below i.
      const rj = j * n;
      const rj1 = rj + n;
      dot2x2(a, ri, ri1, a, rj, rj1, 0, j);
      const [s00, s01, s10, s11] = sums;
      const ljj = a[rj + j]!;
      const lj1j = a[rj1 + j]!;
      const lj1j1 = a[rj1 + j + 1]!;
      const lij = (a[ri + j]! - s00!) / ljj;
      a[ri + j] = lij;
      a[ri + j + 1] = (a[ri + j + 1]! - s01! - lij * lj1j) / lj1j1;
      if (pair) {
        const li1j = (a[ri1 + j]! - s10!) / ljj;
        a[ri1 + j] = li1j;
        a[ri1 + j + 1] = (a[ri1 + j + 1]! - s11! - li1j * lj1j) / lj1j1;
      }
    }
    const lii = pivot(i, a[ri + i]! - dot(a, ri, a, ri, 0, i));
    a[ri + i] = lii;
    if (pair) {
      const li1i = (a[ri1 + i]! - dot(a, ri1, a, ri, 0, i)) / lii;
      a[ri1 + i] = li1i;
      a[ri1 + i + 1] = pivot(i + 1, a[ri1 + i + 1]! - dot(a, ri1, a, ri1, 0, i + 1));
    }
  }
}

/**
 * Given L (lower triangle of `l`), returns W = (L⁻¹)ᵀ, upper triangular, row-major:
 * W[j][j] = 1/L[j][j], W[j][i] = −(Σ_{k=j}^{i−1} L[i][k]·W[j][k]) / L[i][i] for i > j.
 */
export function inverseTransposeOfLower(l: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n * n);
  for (let j = 0; j < n; j += 2) {
    const pairJ = j + 1 < n;
    const rj = j * n;
    const rj1 = pairJ ? rj + n : rj;
    w[rj + j] = 1 / l[rj + j]!;
    if (pairJ) {
      w[rj1 + j + 1] = 1 / l[rj1 + j + 1]!;
      w[rj + j + 1] = (-l[rj1 + j]! * w[rj + j]!) / l[rj1 + j + 1]!;
    }
    for (let i = j + 2; i < n; i += 2) {
      const pairI = i + 1 < n;
      const ri = i * n;
      const ri1 = pairI ? ri + n : ri;
      // W[j+1][j] is 0, so both rows can run over k ∈ [j, i).
      dot2x2(l, ri, ri1, w, rj, rj1, j, i);
      const [s00, s01, s10, s11] = sums;
      const lii = l[ri + i]!;
      const wji = -s00! / lii;
      w[rj + i] = wji;
      const wj1i = -s01! / lii;
      if (pairJ) w[rj1 + i] = wj1i;
      if (pairI) {
        const li1i = l[ri1 + i]!;
        const li1i1 = l[ri1 + i + 1]!;
        w[rj + i + 1] = -(s10! + li1i * wji) / li1i1;
        if (pairJ) w[rj1 + i + 1] = -(s11! + li1i * wj1i) / li1i1;
      }
    }
  }
  return w;
}

/** out = W Wᵀ for upper-triangular W: out[i][j] = Σ_{k ≥ max(i,j)} W[i][k]·W[j][k] (full symmetric). */
export function gramOfUpperRowsInto(w: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    const ri = i * n;
    const ri1 = pair ? ri + n : ri;
    for (let j = 0; j < i; j += 2) {
      const rj = j * n;
      const rj1 = rj + n;
      // W[i+1][i] is 0, so both rows can run over k ∈ [i, n).
      dot2x2(w, ri, ri1, w, rj, rj1, i, n);
      out[ri + j] = out[rj + i] = sums[0]!;
      out[ri + j + 1] = out[rj1 + i] = sums[1]!;
      if (pair) {
        out[ri1 + j] = out[rj + i + 1] = sums[2]!;
        out[ri1 + j + 1] = out[rj1 + i + 1] = sums[3]!;
      }
    }
    out[ri + i] = dot(w, ri, w, ri, i, n);
    if (pair) {
      out[ri1 + i] = out[ri + i + 1] = dot(w, ri1, w, ri, i + 1, n);
      out[ri1 + i + 1] = dot(w, ri1, w, ri1, i + 1, n);
    }
  }
}
