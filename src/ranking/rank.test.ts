import { describe, expect, it } from 'vitest';
import { rank, topK } from './rank.js';

const scores = (values: number[]) => Float32Array.from(values);

/** Embeddings laid out as clusters: items in the same cluster point the same way. */
function clustered(clusterOf: number[], dims = 4): Float32Array {
  const out = new Float32Array(clusterOf.length * dims);
  clusterOf.forEach((c, i) => {
    out[i * dims + (c % dims)] = 1;
    out[i * dims + ((c + 1) % dims)] = 0.01 * i; // a little spread inside a cluster
  });
  return out;
}

describe('topK', () => {
  it('returns indices best first', () => {
    expect(topK(scores([0.1, 0.9, 0.5, 0.7]), 3)).toEqual([1, 3, 2]);
  });
  it('breaks ties by lower index', () => {
    expect(topK(scores([1, 2, 2, 1, 2]), 5)).toEqual([1, 2, 4, 0, 3]);
  });
  it('returns everything eligible when limit exceeds the catalog', () => {
    expect(topK(scores([3, 1, 2]), 10)).toEqual([0, 2, 1]);
  });
  it('matches a full sort on random data', () => {
    const values = Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i * 12.9898) * 50));
    const expected = values
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 37)
      .map(([, i]) => i);
    expect(topK(scores(values), 37)).toEqual(expected);
  });
});

describe('rank without diversity', () => {
  it('is pure relevance with ties to the lower index', () => {
    expect(rank(scores([0.5, 0.5, 0.9, 0.1]), { limit: 3 })).toEqual([2, 0, 1]);
  });
  it('skips excluded items', () => {
    expect(rank(scores([0.5, 0.4, 0.9, 0.1]), { limit: 2, exclude: new Set([2]) })).toEqual([0, 1]);
  });
  it('never returns NaN or -Infinity scores', () => {
    expect(rank(scores([NaN, -Infinity, -5, 1]), { limit: 4 })).toEqual([3, 2]);
  });
  it('returns an empty list for limit 0', () => {
    expect(rank(scores([1, 2]), { limit: 0 })).toEqual([]);
  });
  it('ignores embeddings when diversity is 0', () => {
    const s = scores([0.9, 0.8, 0.7, 0.1]);
    expect(rank(s, { limit: 3, diversity: 0, embeddings: clustered([0, 0, 0, 1]), dims: 4 })).toEqual([0, 1, 2]);
  });
});

describe('rank with MMR diversity', () => {
  // Items 0–2 are one cluster (most relevant), 3 and 4 are two other clusters.
  const s = scores([0.9, 0.85, 0.8, 0.5, 0.4]);
  const emb = clustered([0, 0, 0, 1, 2]);

  it('at diversity 1 starts with the most relevant item, then spreads over clusters', () => {
    expect(rank(s, { limit: 3, diversity: 1, embeddings: emb, dims: 4 })).toEqual([0, 3, 4]);
  });
  it('at a moderate diversity mixes relevance and spread', () => {
    const ranked = rank(s, { limit: 3, diversity: 0.5, embeddings: emb, dims: 4 });
    expect(ranked[0]).toBe(0);
    expect(ranked).toContain(3);
    expect(new Set(ranked).size).toBe(3);
  });
  it('at a small diversity stays close to relevance', () => {
    expect(rank(s, { limit: 3, diversity: 0.01, embeddings: emb, dims: 4 })).toEqual([0, 1, 2]);
  });
  it('respects exclusions', () => {
    const ranked = rank(s, { limit: 3, diversity: 1, embeddings: emb, dims: 4, exclude: new Set([0, 3]) });
    expect(ranked).toEqual([1, 4, 2]);
  });
  it('breaks exact ties deterministically (higher score, then lower index)', () => {
    const flat = scores([1, 1, 1, 1]);
    const same = new Float32Array(16).fill(1);
    expect(rank(flat, { limit: 4, diversity: 0.7, embeddings: same, dims: 4 })).toEqual([0, 1, 2, 3]);
  });
  it('treats zero embeddings as similar to nothing', () => {
    const zero = new Float32Array(5 * 4);
    expect(rank(s, { limit: 5, diversity: 1, embeddings: zero, dims: 4 })).toEqual([0, 1, 2, 3, 4]);
  });
  it('chooses only from the candidate pool', () => {
    const ranked = rank(s, { limit: 3, diversity: 1, embeddings: emb, dims: 4, candidatePool: 3 });
    expect([...ranked].sort()).toEqual([0, 1, 2]);
  });
  it('gives the same list for the same input', () => {
    const n = 2000;
    const big = Float32Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i * 7.1)));
    const e = Float32Array.from({ length: n * 8 }, (_, i) => Math.cos(i * 0.37));
    const a = rank(big, { limit: 10, diversity: 0.4, embeddings: e, dims: 8 });
    const b = rank(big, { limit: 10, diversity: 0.4, embeddings: e, dims: 8 });
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(10);
  });
});

describe('rank validates its options', () => {
  const s = scores([1, 2]);
  it('rejects a bad limit', () => {
    expect(() => rank(s, { limit: -1 })).toThrow(/"limit".*-1/);
    expect(() => rank(s, { limit: 1.5 })).toThrow(/"limit".*1\.5/);
  });
  it('rejects diversity outside 0–1', () => {
    expect(() => rank(s, { limit: 1, diversity: 2 })).toThrow(/"diversity".*2/);
    expect(() => rank(s, { limit: 1, diversity: NaN })).toThrow(/"diversity".*NaN/);
  });
  it('requires embeddings for diversity', () => {
    expect(() => rank(s, { limit: 1, diversity: 0.5 })).toThrow(/"embeddings"/);
  });
  it('checks the embedding shape', () => {
    expect(() => rank(s, { limit: 1, diversity: 0.5, embeddings: new Float32Array(3), dims: 2 })).toThrow(/length 3/);
    expect(() => rank(s, { limit: 1, diversity: 0.5, embeddings: new Float32Array(4) })).toThrow(/"dims"/);
  });
});
