import { describe, expect, it } from 'vitest';
import type { EventType, FallbackJson, HistoryEvent } from '../model/artifacts.js';
import { cartItems, recommend, standardise, type RecommendInput } from './scenarios.js';

// 9 items in 3 categories: phones 0–2, cases 3–5 (complements of phones), coffee 6–8 (consumable).
const categories = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
const dims = 3;
const embeddings = Float32Array.from(
  [...categories].flatMap((c, i) => [c === 0 ? 1 : 0.05 * i, c === 1 ? 1 : 0, c === 2 ? 1 : 0].map((x) => x + 0.01 * i)),
);
const fallback: FallbackJson = {
  popular: [6, 0, 3, 7, 1, 4, 8, 2, 5],
  next: { '0': [3, 4, 1], '1': [4, 3], '6': [7, 8] },
};
let clock = 1_000_000;
const event = (type: EventType, itemIndex: number | null, query?: string): HistoryEvent => ({ type, itemIndex, timestamp: (clock += 1000), ...(query ? { query } : {}) });

function input(overrides: Partial<RecommendInput>): RecommendInput {
  return {
    scenario: 'home',
    itemCount: 9,
    history: [],
    taste: null,
    embeddings,
    dims,
    categories,
    fallback,
    consumable: (i) => categories[i] === 2,
    currentItem: null,
    candidates: null,
    exclude: new Set(),
    excludeItems: new Set(),
    limit: 4,
    diversity: 0,
    ...overrides,
  };
}
/** A taste vector that likes one category. */
const tasteFor = (category: number) => Float32Array.from(categories, (c, i) => (c === category ? 2 : 0) - i * 0.01);

describe('first visit', () => {
  it('shows the popular items, unpersonalised', () => {
    const r = recommend(input({}));
    expect(r.order).toEqual([6, 0, 3, 7]);
    expect(r.personal).toBe(false);
    expect(r.reasons.every((x) => x.kind === 'popular')).toBe(true);
  });
  it('is the same in every card scenario without history', () => {
    for (const scenario of ['home', 'cart', 'post-purchase'] as const) {
      expect(recommend(input({ scenario })).order, scenario).toEqual([6, 0, 3, 7]);
    }
  });
  it('spreads the popular items over categories with diversity', () => {
    const r = recommend(input({ limit: 3, diversity: 1 }));
    expect(new Set(r.order.map((i) => categories[i])).size).toBe(3);
  });
  it('spreads by category when there is no model', () => {
    const r = recommend(input({ limit: 3, diversity: 1, embeddings: null }));
    expect(new Set(r.order.map((i) => categories[i])).size).toBe(3);
  });
});

describe('home', () => {
  it('follows the model taste and explains by the closest history item', () => {
    const history = [event('view', 4)];
    const r = recommend(input({ history, taste: tasteFor(1), limit: 2 }));
    expect(r.order).toEqual([3, 4]);
    expect(r.reasons[0]).toEqual({ kind: 'history', event: 'view', anchor: 4 });
    expect(r.personal).toBe(true);
  });
  it('without a model uses the co-occurrence tables of the history', () => {
    const r = recommend(input({ history: [event('view', 1)], taste: null, embeddings: null, limit: 2 }));
    expect(r.order).toEqual([4, 3]);
  });
  it('excludes cart and purchased non-consumables when asked, keeps consumables', () => {
    const history = [event('cart', 3), event('purchase', 4), event('purchase', 6)];
    const r = recommend(input({ history, taste: tasteFor(1), exclude: new Set(['cart', 'purchased']), limit: 9 }));
    expect(r.order).not.toContain(3);
    expect(r.order).not.toContain(4);
    expect(r.order).toContain(6);
  });
  it('never shows items claimed elsewhere', () => {
    const r = recommend(input({ excludeItems: new Set([6, 0]) }));
    expect(r.order).toEqual([3, 7, 1, 4]);
  });
});

describe('product', () => {
  it('ranks items similar to the current one, excluding it', () => {
    const r = recommend(input({ scenario: 'product', currentItem: 0, limit: 2 }));
    expect(r.order.every((i) => categories[i] === 0 && i !== 0)).toBe(true);
    expect(r.reasons[0]).toEqual({ kind: 'similar', anchor: 0 });
  });
  it('blends similarity with the shopper taste', () => {
    const history = [event('view', 6), event('view', 7)];
    const plain = recommend(input({ scenario: 'product', currentItem: 3, limit: 4 }));
    const tasted = recommend(input({ scenario: 'product', currentItem: 3, history, taste: tasteFor(2), limit: 4 }));
    const coffee = (order: number[]) => order.filter((i) => categories[i] === 2).length;
    expect(coffee(tasted.order)).toBeGreaterThan(coffee(plain.order));
  });
});

describe('cart', () => {
  it('recommends complements of the cart and never the cart items', () => {
    const history = [event('view', 0), event('cart', 0)];
    const r = recommend(input({ scenario: 'cart', history, taste: tasteFor(0), limit: 2 }));
    expect(r.order).not.toContain(0);
    expect(r.order[0]).toBe(3);
    expect(r.reasons[0]).toEqual({ kind: 'complement', anchor: 0 });
  });
  it('knows what is still in the cart', () => {
    expect(cartItems([event('cart', 1), event('cart', 2), event('purchase', 1)])).toEqual([2]);
  });
});

describe('post-purchase', () => {
  it('recommends accessories of the purchase, excluding purchased non-consumables', () => {
    const history = [event('purchase', 0), event('purchase', 6)];
    const r = recommend(input({ scenario: 'post-purchase', history, taste: tasteFor(0), limit: 9 }));
    expect(r.order).not.toContain(0);
    expect(r.order).toContain(6);
    expect(r.order.slice(0, 2)).toContain(3);
  });
});

describe('search (re-rank mode)', () => {
  it('keeps the merchant order without history', () => {
    const r = recommend(input({ scenario: 'search', candidates: [5, 0, 7] }));
    expect(r.order).toEqual([5, 0, 7]);
    expect(r.reasons.every((x) => x.kind === 'merchant')).toBe(true);
  });
  it('moves the shopper’s taste up, keeping every result', () => {
    const history = [event('view', 6), event('search', null, 'coffee')];
    const r = recommend(input({ scenario: 'search', candidates: [5, 0, 7, 1], history, taste: tasteFor(2) }));
    expect(r.order[0]).toBe(7);
    expect([...r.order].sort()).toEqual([0, 1, 5, 7]);
  });
});

describe('determinism', () => {
  it('gives the same list for the same input', () => {
    const history = [event('view', 1), event('cart', 4)];
    const a = recommend(input({ history, taste: tasteFor(1), diversity: 0.5 }));
    const b = recommend(input({ history, taste: tasteFor(1), diversity: 0.5 }));
    expect(a).toEqual(b);
  });
  it('standardises a constant vector to zeros', () => {
    expect([...standardise(Float32Array.from([2, 2, 2]))]).toEqual([0, 0, 0]);
  });
});
