/**
 * Pure ranking: top-k by score with deterministic tie-breaks, and MMR
 * (maximal marginal relevance) over item embeddings for diversity.
 * No DOM, no tfjs: runs in the browser and under Node alike.
 */

export interface RankOptions {
  /** How many item indices to return at most (a non-negative integer). */
  limit: number;
  /**
   * 0 (default) = pure relevance; 1 = maximal spread (after the most relevant item, each pick is
   * the candidate least similar to those already picked). Values in between trade one for the other.
   */
  diversity?: number;
  /** Item indices never returned (already in the cart, purchased, shown by another widget…). */
  exclude?: ReadonlySet<number>;
  /** Row-major N×dims item embeddings; required when diversity > 0. */
  embeddings?: Float32Array;
  /** Width of one embedding row; required with `embeddings`. */
  dims?: number;
  /**
   * How many of the most relevant items MMR chooses from. Default: max(100, 10 × limit), capped
   * at the number of eligible items. Bounds the cost on large catalogs (O(limit × pool × dims)).
   */
  candidatePool?: number;
}

/** True when item a ranks before item b: higher score, then lower index. */
function before(scores: Float32Array, a: number, b: number): boolean {
  const sa = scores[a]!;
  const sb = scores[b]!;
  return sa > sb || (sa === sb && a < b);
}

/** An item can be ranked when it is not excluded and its score is a number above -Infinity. */
function eligible(scores: Float32Array, i: number, exclude: ReadonlySet<number> | undefined): boolean {
  const s = scores[i]!;
  return !Number.isNaN(s) && s !== -Infinity && !(exclude?.has(i) ?? false);
}

/**
 * The k best eligible indices, best first (higher score, ties → lower index).
 * Keeps a sorted buffer of k: O(N·log k) comparisons plus O(k) shifts per insertion.
 */
export function topK(scores: Float32Array, k: number, exclude?: ReadonlySet<number>): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < scores.length; i++) {
    if (!eligible(scores, i, exclude)) continue;
    if (best.length === k && !before(scores, i, best[k - 1]!)) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(scores, best[mid]!, i)) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

function validate(scores: Float32Array, options: RankOptions): void {
  const { limit, diversity = 0, embeddings, dims, candidatePool } = options;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`rank: option "limit" must be a non-negative integer (value: ${String(limit)})`);
  }
  if (!(diversity >= 0 && diversity <= 1)) {
    throw new RangeError(`rank: option "diversity" must be a number from 0 to 1 (value: ${String(diversity)})`);
  }
  if (candidatePool !== undefined && (!Number.isInteger(candidatePool) || candidatePool < 1)) {
    throw new RangeError(`rank: option "candidatePool" must be a positive integer (value: ${String(candidatePool)})`);
  }
  if (diversity > 0 && embeddings === undefined) {
    throw new RangeError(`rank: option "embeddings" is required when diversity > 0 (diversity: ${diversity})`);
  }
  if (embeddings !== undefined) {
    if (dims === undefined || !Number.isInteger(dims) || dims < 1) {
      throw new RangeError(`rank: option "dims" must be a positive integer with embeddings (value: ${String(dims)})`);
    }
    if (embeddings.length !== scores.length * dims) {
      throw new RangeError(
        `rank: option "embeddings" must hold scores.length × dims = ${scores.length} × ${dims} values (value: length ${embeddings.length})`,
      );
    }
  }
}

/** Unit-length copies of the given rows (a zero row stays zero: similar to nothing). */
function normalisedRows(embeddings: Float32Array, dims: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((row, r) => {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += embeddings[row * dims + d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) out[r * dims + d] = embeddings[row * dims + d]! * inv;
  });
  return out;
}

/**
 * Item indices, best first. Without diversity: the top `limit` by score, ties → lower index.
 * With diversity λ ∈ (0, 1]: greedy MMR over the most relevant `candidatePool` items, each pick
 * maximising (1 − λ)·relevance − λ·max cosine similarity to the picks so far, where relevance is
 * the score min–max normalised over the pool; ties → higher score, then lower index.
 * Items that are excluded, or scored NaN or −Infinity, are never returned.
 *
 * @example rank(scores, { limit: 8, diversity: 0.3, exclude: cart, embeddings, dims: 64 })
 */
export function rank(scores: Float32Array, options: RankOptions): number[] {
  validate(scores, options);
  const { limit, diversity = 0, exclude, embeddings, dims } = options;
  if (diversity === 0 || embeddings === undefined || dims === undefined || limit <= 1) {
    return topK(scores, limit, exclude);
  }

  const pool = topK(scores, Math.max(limit, options.candidatePool ?? Math.max(100, 10 * limit)), exclude);
  if (pool.length <= 1) return pool.slice(0, limit);
  const unit = normalisedRows(embeddings, dims, pool);
  const top = scores[pool[0]!]!;
  const bottom = scores[pool[pool.length - 1]!]!;
  const span = top - bottom;
  const relevance = pool.map((i) => (span > 0 ? (scores[i]! - bottom) / span : 1));

  const maxSimilarity = new Float64Array(pool.length).fill(-Infinity);
  const taken = new Uint8Array(pool.length);
  const picked: number[] = [];
  // Pool is sorted best first, so a strict ">" keeps the better-scored (then lower-index) item on ties.
  while (picked.length < limit && picked.length < pool.length) {
    let bestSlot = -1;
    let bestValue = -Infinity;
    for (let p = 0; p < pool.length; p++) {
      if (taken[p]) continue;
      const redundancy = picked.length === 0 ? 0 : maxSimilarity[p]!;
      const value = (1 - diversity) * relevance[p]! - diversity * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestSlot = p;
      }
    }
    taken[bestSlot] = 1;
    picked.push(pool[bestSlot]!);
    for (let p = 0; p < pool.length; p++) {
      if (taken[p]) continue;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += unit[p * dims + d]! * unit[bestSlot * dims + d]!;
      if (dot > maxSimilarity[p]!) maxSimilarity[p] = dot;
    }
  }
  return picked;
}
