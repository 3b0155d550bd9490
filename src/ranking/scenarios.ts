/**
 * Scenario rules: which scores a widget ranks by, which items it must leave out, and why each
 * result is there. Pure (no DOM, no tfjs): the element passes in the model's scores.
 */
import type { EventType, FallbackJson, HistoryEvent } from '../model/artifacts.js';
import { rank } from './rank.js';

export const SCENARIOS = ['home', 'product', 'cart', 'post-purchase', 'search'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const EXCLUDE_RULES = ['cart', 'purchased', 'viewed'] as const;
export type ExcludeRule = (typeof EXCLUDE_RULES)[number];

/** The rules each scenario applies when the `exclude` attribute is "auto". */
export const DEFAULT_EXCLUDES: Record<Scenario, readonly ExcludeRule[]> = {
  home: ['cart', 'purchased'],
  product: ['cart', 'purchased'],
  cart: ['cart', 'purchased'],
  'post-purchase': ['cart', 'purchased'],
  search: [],
};

/** Why an item is in the list. `anchor` is an item index. */
export type Reason =
  | { kind: 'history'; event: EventType; anchor: number }
  | { kind: 'search'; query: string }
  | { kind: 'similar'; anchor: number }
  | { kind: 'complement'; anchor: number }
  | { kind: 'popular' }
  | { kind: 'merchant' };

export interface RecommendInput {
  scenario: Scenario;
  itemCount: number;
  /** The shopper's history, oldest first, item ids already mapped to indices. Empty without consent. */
  history: readonly HistoryEvent[];
  /** The model's score for every item given `history`; null when no model (fallback tables only). */
  taste: Float32Array | null;
  /** Row-major item embeddings; null without a model (then categories stand in for diversity). */
  embeddings: Float32Array | null;
  dims: number;
  /** Category index of each item (diversity and explanations without a model). */
  categories: Int32Array;
  fallback: FallbackJson;
  consumable: (index: number) => boolean;
  /** The current product (scenario `product`). */
  currentItem: number | null;
  /** Re-rank mode: the merchant's items, in the merchant's order. */
  candidates: readonly number[] | null;
  exclude: ReadonlySet<ExcludeRule>;
  /** Items never shown here: explicit ids, and those other widgets on the page already show. */
  excludeItems: ReadonlySet<number>;
  limit: number;
  diversity: number;
}

export interface Recommendation {
  /** Item indices, best first. In re-rank mode: every candidate. */
  order: number[];
  /** One reason per entry of `order`. */
  reasons: Reason[];
  /** True when the shopper's history shaped the list. */
  personal: boolean;
}

/** Items in the cart: carted and not bought since. */
export function cartItems(history: readonly HistoryEvent[]): number[] {
  const inCart = new Map<number, true>();
  for (const e of history) {
    if (e.itemIndex === null) continue;
    if (e.type === 'cart') inCart.set(e.itemIndex, true);
    else if (e.type === 'purchase') inCart.delete(e.itemIndex);
  }
  return [...inCart.keys()];
}

/** Items bought, most recent purchase last. */
export function purchasedItems(history: readonly HistoryEvent[]): number[] {
  const seen = new Set<number>();
  for (const e of history) if (e.type === 'purchase' && e.itemIndex !== null) seen.add(e.itemIndex);
  return [...seen];
}

/** The last purchase "session": purchases within an hour of the most recent one. */
function lastPurchases(history: readonly HistoryEvent[]): number[] {
  const purchases = history.filter((e) => e.type === 'purchase' && e.itemIndex !== null);
  const last = purchases.at(-1);
  if (!last) return [];
  return [...new Set(purchases.filter((e) => last.timestamp - e.timestamp <= 3_600_000).map((e) => e.itemIndex!))];
}

/** (x − mean) / std over the finite entries; a constant vector becomes zeros. */
export function standardise(values: Float32Array): Float32Array {
  let n = 0;
  let sum = 0;
  for (const v of values) if (Number.isFinite(v)) (n++, (sum += v));
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (const v of values) if (Number.isFinite(v)) sq += (v - mean) ** 2;
  const std = n ? Math.sqrt(sq / n) : 0;
  return values.map((v) => (Number.isFinite(v) ? (std > 0 ? (v - mean) / std : 0) : v));
}

/** 1 for the most popular item down to ~0 for the last listed; 0 for unlisted items. */
export function popularityScores(fallback: FallbackJson, itemCount: number): Float32Array {
  const out = new Float32Array(itemCount);
  const list = fallback.popular;
  list.forEach((item, r) => {
    if (item >= 0 && item < itemCount && out[item] === 0) out[item] = 1 - r / list.length;
  });
  return out;
}

/** Co-occurrence ("seen right after") from the fallback tables, weighted per anchor. */
export function coOccurrenceScores(fallback: FallbackJson, itemCount: number, anchors: ReadonlyArray<readonly [number, number]>): Float32Array {
  const out = new Float32Array(itemCount);
  for (const [anchor, weight] of anchors) {
    const next = fallback.next[String(anchor)] ?? [];
    next.forEach((item, r) => {
      if (item >= 0 && item < itemCount) out[item] += weight / (1 + r);
    });
  }
  return out;
}

/** Cosine similarity of every item to `anchor`. */
export function similarityTo(embeddings: Float32Array, dims: number, anchor: number): Float32Array {
  const n = embeddings.length / dims;
  const out = new Float32Array(n);
  let anchorNorm = 0;
  for (let d = 0; d < dims; d++) anchorNorm += embeddings[anchor * dims + d]! ** 2;
  anchorNorm = Math.sqrt(anchorNorm);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const x = embeddings[i * dims + d]!;
      dot += x * embeddings[anchor * dims + d]!;
      norm += x * x;
    }
    out[i] = norm > 0 && anchorNorm > 0 ? dot / (Math.sqrt(norm) * anchorNorm) : 0;
  }
  return out;
}

/** One-hot category rows: the diversity space when there is no model. */
function categoryEmbeddings(categories: Int32Array): { embeddings: Float32Array; dims: number } {
  const dims = Math.max(1, ...categories) + 1;
  const embeddings = new Float32Array(categories.length * dims);
  categories.forEach((c, i) => {
    if (c >= 0) embeddings[i * dims + c] = 1;
  });
  return { embeddings, dims };
}

function blend(parts: ReadonlyArray<readonly [Float32Array, number]>, itemCount: number): Float32Array {
  const out = new Float32Array(itemCount);
  for (const [values, weight] of parts) {
    const z = standardise(values);
    for (let i = 0; i < itemCount; i++) out[i] += weight * z[i]!;
  }
  return out;
}

/** Without a model: what the shopper's recent items are usually followed by, recent ones weigh more. */
function fallbackTaste(input: RecommendInput): Float32Array {
  const recent = input.history.filter((e) => e.itemIndex !== null).slice(-20);
  const anchors = recent.map((e, k) => [e.itemIndex!, (k + 1) / recent.length] as const);
  const co = coOccurrenceScores(input.fallback, input.itemCount, anchors);
  const pop = popularityScores(input.fallback, input.itemCount);
  return blend([[co, 1], [pop, 0.2]], input.itemCount);
}

interface Plan {
  scores: Float32Array;
  excluded: Set<number>;
  anchors: number[];
  anchorKind: 'similar' | 'complement' | null;
  personal: boolean;
}

function plan(input: RecommendInput): Plan {
  const { itemCount, history, fallback } = input;
  const personal = history.some((e) => e.itemIndex !== null || (e.type === 'search' && !!e.query));
  const taste = personal ? (input.taste ?? fallbackTaste(input)) : null;
  const pop = popularityScores(fallback, itemCount);
  const excluded = new Set<number>(input.excludeItems);
  const cart = cartItems(history);
  if (input.exclude.has('cart')) cart.forEach((i) => excluded.add(i));
  if (input.exclude.has('purchased')) purchasedItems(history).filter((i) => !input.consumable(i)).forEach((i) => excluded.add(i));
  if (input.exclude.has('viewed')) history.forEach((e) => e.type === 'view' && e.itemIndex !== null && excluded.add(e.itemIndex));
  const home = (): Plan => ({ scores: taste ?? pop, excluded, anchors: [], anchorKind: null, personal });

  switch (input.scenario) {
    case 'home':
    case 'search':
      return home();
    case 'product': {
      const anchor = input.currentItem;
      if (anchor === null) return home();
      excluded.add(anchor);
      const similar = input.embeddings
        ? similarityTo(input.embeddings, input.dims, anchor)
        : blend([[coOccurrenceScores(fallback, itemCount, [[anchor, 1]]), 1], [Float32Array.from(input.categories, (c) => (c === input.categories[anchor] ? 1 : 0)), 0.5]], itemCount);
      const scores = taste ? blend([[similar, 0.6], [taste, 0.4]], itemCount) : similar;
      return { scores, excluded, anchors: [anchor], anchorKind: 'similar', personal };
    }
    case 'cart': {
      cart.forEach((i) => excluded.add(i));
      if (cart.length === 0) return home();
      const complements = coOccurrenceScores(fallback, itemCount, cart.map((i) => [i, 1] as const));
      return { scores: blend([[complements, 0.7], [taste ?? pop, 0.3]], itemCount), excluded, anchors: cart, anchorKind: 'complement', personal };
    }
    case 'post-purchase': {
      purchasedItems(history).filter((i) => !input.consumable(i)).forEach((i) => excluded.add(i));
      const bought = lastPurchases(history);
      if (bought.length === 0) return home();
      const complements = coOccurrenceScores(fallback, itemCount, bought.map((i) => [i, 1] as const));
      return { scores: blend([[complements, 0.7], [taste ?? pop, 0.3]], itemCount), excluded, anchors: bought, anchorKind: 'complement', personal };
    }
  }
}

/** The anchor (or history item) an item is closest to, by embedding or by co-occurrence. */
function explain(input: RecommendInput, p: Plan, item: number, reRank: boolean): Reason {
  const closest = (anchors: readonly number[]): number | null => {
    let best: number | null = null;
    let bestValue = -Infinity;
    for (const a of anchors) {
      const value = input.embeddings
        ? similarityOf(input.embeddings, input.dims, a, item)
        : (input.categories[a] === input.categories[item] ? 1 : 0) + nextAffinity(input.fallback, a, item);
      if (value > bestValue) (bestValue = value), (best = a);
    }
    return best;
  };
  if (p.anchorKind && p.anchors.length) {
    const anchor = closest(p.anchors);
    if (anchor !== null) return { kind: p.anchorKind, anchor };
  }
  if (p.personal) {
    const recent = input.history.filter((e) => e.itemIndex !== null).slice(-20);
    const anchor = closest([...new Set(recent.map((e) => e.itemIndex!))]);
    if (anchor !== null) {
      const event = [...recent].reverse().find((e) => e.itemIndex === anchor)!.type;
      return { kind: 'history', event, anchor };
    }
    const search = [...input.history].reverse().find((e) => e.type === 'search' && e.query);
    if (search?.query) return { kind: 'search', query: search.query };
  }
  return reRank ? { kind: 'merchant' } : { kind: 'popular' };
}

/** 1/(1 + rank) of `item` in the anchor's "seen right after" list; 0 when absent. */
function nextAffinity(fallback: FallbackJson, anchor: number, item: number): number {
  const r = (fallback.next[String(anchor)] ?? []).indexOf(item);
  return r < 0 ? 0 : 1 / (1 + r);
}

function similarityOf(embeddings: Float32Array, dims: number, a: number, b: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dims; d++) {
    const x = embeddings[a * dims + d]!;
    const y = embeddings[b * dims + d]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * The list a widget shows. Card mode: the best `limit` items after the scenario's exclusions,
 * spread by MMR. Re-rank mode (`candidates`): every candidate, reordered by the shopper's
 * profile; the merchant's order breaks ties and, without history, stands unchanged.
 */
export function recommend(input: RecommendInput): Recommendation {
  const p = plan(input);
  const space = input.embeddings ? { embeddings: input.embeddings, dims: input.dims } : categoryEmbeddings(input.categories);
  if (input.candidates) return reRank(input, p, space);
  const order = rank(p.scores, { limit: input.limit, diversity: input.diversity, exclude: p.excluded, ...space });
  return { order, reasons: order.map((i) => explain(input, p, i, false)), personal: p.personal };
}

function reRank(input: RecommendInput, p: Plan, space: { embeddings: Float32Array; dims: number }): Recommendation {
  const candidates = [...new Set(input.candidates!)].filter((i) => i >= 0 && i < input.itemCount);
  if (!p.personal) return { order: candidates, reasons: candidates.map(() => ({ kind: 'merchant' })), personal: false };
  const scores = new Float32Array(input.itemCount).fill(-Infinity);
  const z = standardise(Float32Array.from(candidates, (i) => p.scores[i]!));
  // The merchant's order is a prior: strong for search results (their relevance), a tie-break elsewhere.
  const priorWeight = input.scenario === 'search' ? 1 : 1e-3;
  candidates.forEach((item, position) => {
    scores[item] = z[position]! + priorWeight * (1 - position / candidates.length);
  });
  const order = rank(scores, { limit: candidates.length, diversity: input.diversity, ...space, candidatePool: candidates.length });
  return { order, reasons: order.map((i) => explain(input, p, i, true)), personal: true };
}
