import { describe, expect, it } from 'vitest';
import { catalogCoverage, hitRate, intraListDiversity, mrr, ndcg, novelty, rankOf } from './metrics.js';

// Three users; the held-out items are b, b and q (q is never recommended).
const lists = [['a', 'b', 'c'], ['c', 'a', 'b'], ['x', 'y', 'z']];
const targets = ['b', 'b', 'q'];
const category: Record<string, string> = { a: 'kitchen', b: 'kitchen', c: 'food', x: 'garden', y: 'garden', z: 'garden' };
const sameCategory = (p: string, q: string): number => (category[p] === category[q] ? 0 : 1);

describe('metrics on a hand-computed fixture', () => {
  it('rankOf is 1-based and 0 when absent', () => {
    expect(rankOf(['a', 'b'], 'b')).toBe(2);
    expect(rankOf(['a', 'b'], 'q')).toBe(0);
  });

  it('HR@K counts a hit when the target is in the top K', () => {
    expect(hitRate(lists, targets, 1)).toBe(0);
    expect(hitRate(lists, targets, 2)).toBeCloseTo(1 / 3, 12);
    expect(hitRate(lists, targets, 3)).toBeCloseTo(2 / 3, 12);
  });

  it('NDCG@K = 1/log2(rank+1) for the one relevant item', () => {
    // ranks 2 and 3 → (1/log2 3 + 1/log2 4) / 3 = (0.6309298 + 0.5) / 3
    expect(ndcg(lists, targets, 3)).toBeCloseTo((1 / Math.log2(3) + 0.5) / 3, 12);
    expect(ndcg(lists, targets, 3)).toBeCloseTo(0.3769766, 6);
    expect(ndcg(lists, targets, 2)).toBeCloseTo(0.6309298 / 3, 6);
  });

  it('MRR@K is the reciprocal rank within the top K', () => {
    expect(mrr(lists, targets, 3)).toBeCloseTo((1 / 2 + 1 / 3) / 3, 12);
    expect(mrr(lists, targets, 2)).toBeCloseTo(1 / 6, 12);
  });

  it('catalog coverage@K is the share of the catalog shown to anyone', () => {
    expect(catalogCoverage(lists, 2, 10)).toBe(0.5); // a, b, c, x, y
    expect(catalogCoverage(lists, 3, 6)).toBe(1);
  });

  it('ILD@K is the mean pairwise distance within each list, averaged over lists', () => {
    // {a,b,c}: pairs ab=0, ac=1, bc=1 → 2/3 (twice); {x,y,z}: 0.
    expect(intraListDiversity(lists, 3, sameCategory)).toBeCloseTo(4 / 9, 12);
    expect(intraListDiversity([['a']], 3, sameCategory)).toBe(0);
  });

  it('novelty@K is the mean −log2 of the smoothed train popularity share', () => {
    // total 4 + catalog 4 = 8: a → (3+1)/8 → 1 bit, b → (1+1)/8 → 2 bits, unseen → 1/8 → 3 bits.
    const counts = new Map([['a', 3], ['b', 1]]);
    expect(novelty([['a', 'b']], 2, counts, 4)).toBeCloseTo(1.5, 12);
    expect(novelty([['a', 'b', 'u']], 3, counts, 4)).toBeCloseTo(2, 12);
  });

  it('returns 0 for no users', () => {
    expect(hitRate([], [], 10)).toBe(0);
    expect(ndcg([], [], 10)).toBe(0);
    expect(novelty([], 10, new Map(), 5)).toBe(0);
  });
});
