import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/load.js';
import type { Dataset, Interaction } from '../data/types.js';
import { cooccurrenceBaseline, easeBaseline, fitEaseWeights, itemKnnBaseline, popularityBaseline, transitionCounts } from './baselines.js';
import { buildCatalog, countItems, popularityOrder } from './catalog.js';
import { cosineFromGram, gramMatrix } from './item-similarity.js';
import { hitRate, ndcg } from './metrics.js';
import { buildEvalCases } from './protocol.js';

const onlineRetail = resolve(import.meta.dirname, '../../../shared/datasets/online-retail');

function sequences(rows: Record<string, string>): Interaction[] {
  const events: Interaction[] = [];
  for (const [userId, items] of Object.entries(rows)) {
    [...items].forEach((itemId, t) => events.push({ userId, itemId, timestamp: t, event: 'purchase' }));
  }
  return events;
}

// Train counts: a 3, b 3, c 3, d 1 (e appears only in test). Transitions: a→b 2, b→c 2, b→d 1, a→c 1.
const train = sequences({ u1: 'abc', u2: 'abd', u3: 'ac', u4: 'bc' });
const dataset: Dataset = {
  dir: 'memory', items: null, train, warnings: [],
  valid: [{ userId: 'u1', itemId: 'd', timestamp: 10, event: 'purchase' }],
  test: [{ userId: 'u1', itemId: 'e', timestamp: 11, event: 'purchase' }],
};
const catalog = buildCatalog(dataset);
const popularity = popularityOrder(catalog, countItems(catalog, train));
const history = (items: string): Interaction[] => sequences({ u: items });

describe('baselines on a hand-built dataset', () => {
  it('popularity ranks by train count, ties by item id; unseen items last', async () => {
    expect(await popularityBaseline(catalog, train).recommend([history('')], 5)).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('co-occurrence ranks successors of the last item by count, then by popularity', async () => {
    expect([...transitionCounts(catalog, train).get(catalog.indexOf.get('b')!)!]).toEqual([[2, 2], [3, 1]]);
    const recommender = cooccurrenceBaseline(catalog, train, popularity);
    expect(await recommender.recommend([history('cab'), history('a'), history('d'), history('')], 4)).toEqual([
      ['c', 'd', 'a', 'b'],
      ['b', 'c', 'a', 'd'],
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
    ]);
  });

  it('item-kNN scores by cosine of incidence columns and may recommend the history item itself', async () => {
    const n = catalog.ids.length;
    const cosine = cosineFromGram(gramMatrix(catalog, train), n);
    // d's users {u2}; a's {u1,u2,u3}; b's {u1,u2,u4}: cos = 1/√3 each; c shares none with d.
    expect(cosine[catalog.indexOf.get('d')! * n + catalog.indexOf.get('a')!]).toBeCloseTo(1 / Math.sqrt(3), 6);
    const recommender = itemKnnBaseline(catalog, cosine, popularity.rank, { window: 1, decay: 1 });
    expect(await recommender.recommend([history('cd')], 4)).toEqual([['d', 'a', 'b', 'c']]);
  });

  it('EASE matches the closed form on two items', async () => {
    // Users {a,b} and {a}: G = [[2,1],[1,1]], λ = 1 → P = [[2,−1],[−1,3]]/5,
    // B[a][b] = 1/3 and B[b][a] = 1/2, so a history of a ranks b first, and one of b ranks a first.
    const two: Dataset = { ...dataset, train: sequences({ u1: 'ab', u2: 'a' }), valid: [], test: [] };
    const twoCatalog = buildCatalog(two);
    const twoPopularity = popularityOrder(twoCatalog, countItems(twoCatalog, two.train));
    const weights = fitEaseWeights(gramMatrix(twoCatalog, two.train), 2, 1);
    expect(Array.from(weights, (w) => Number(w.toFixed(6)))).toEqual([0, 0.333333, 0.5, 0]);
    const ease = easeBaseline(twoCatalog, weights, twoPopularity.rank, { lambda: 1, decay: 1 });
    expect(await ease.recommend([history('a'), history('b')], 2)).toEqual([['b', 'a'], ['a', 'b']]);
  });
});

describe.skipIf(!existsSync(onlineRetail))('online-retail reproduces baselines.json', () => {
  it('popularity 0.0398 / 0.0213 and co-occurrence 0.2909 / 0.1998 (test HR@10 / NDCG@10)', async () => {
    const data = await loadDataset(onlineRetail);
    const cases = buildEvalCases(data, 'test');
    const all = buildCatalog(data);
    expect(all.ids.length).toBe(3659);
    const order = popularityOrder(all, countItems(all, data.train));
    const figures = async (lists: string[][]): Promise<string[]> =>
      [hitRate(lists, cases.targets, 10).toFixed(4), ndcg(lists, cases.targets, 10).toFixed(4)];
    expect(await figures(await popularityBaseline(all, data.train).recommend(cases.histories, 10))).toEqual(['0.0398', '0.0213']);
    expect(await figures(await cooccurrenceBaseline(all, data.train, order).recommend(cases.histories, 10))).toEqual(['0.2909', '0.1998']);
  });
});
