/**
 * The baselines every report shows beside the model, all ranking every item (history items
 * included: repeat purchases are real) with ties broken by popularity, then item id:
 * - popularity: interaction counts in train (train only: that is what reproduces the datasets'
 *   baselines.json; counting valid too moves online-retail's NDCG@10 from 0.0213 to 0.0214);
 * - co-occurrence: counts of consecutive transitions q → i in the train sequences, scored from
 *   the last history item (exactly the datasets README's baseline);
 * - item-kNN: cosine over the user–item incidence, summed over the recent history with a decay;
 * - EASE (Steck 2019): B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, scores = x·B, with x the
 *   distinct history items weighted decay^age (decay 1 = classic binary EASE; tuned).
 * item-kNN and EASE are fit on train and tuned on valid (NDCG@10); when evaluating test the
 * history includes valid, so valid events still inform their scores.
 */
import type { Dataset, Interaction } from '../data/types.js';
import { buildCatalog, countItems, popularityOrder, topK, type Catalog } from './catalog.js';
import { cosineFromGram, gramMatrix, MAX_DENSE_ITEMS } from './item-similarity.js';
import { invertSpd } from './linalg.js';
import { ndcg } from './metrics.js';
import { buildEvalCases, type EvalCases } from './protocol.js';
import type { Recommender } from './types.js';

export interface Baseline extends Recommender {
  /** Settings chosen (e.g. tuned λ), for the report. */
  settings: Record<string, number | string>;
  /** Wall time to fit and tune, in seconds. */
  fitSeconds: number;
}

export function popularityBaseline(catalog: Catalog, events: readonly Interaction[]): Baseline {
  const started = performance.now();
  const { order } = popularityOrder(catalog, countItems(catalog, events));
  const ids = Array.from(order, (index) => catalog.ids[index]!);
  return {
    name: 'popularity',
    settings: { events: events.length },
    fitSeconds: secondsSince(started),
    recommend: async (histories, k) => histories.map(() => ids.slice(0, k)),
  };
}

/** Transition counts q → i between consecutive events of each user's train sequence (file order per user). */
export function transitionCounts(catalog: Catalog, trainEvents: readonly Interaction[]): Map<number, Map<number, number>> {
  const lastByUser = new Map<string, number>();
  const transitions = new Map<number, Map<number, number>>();
  for (const event of trainEvents) {
    const item = catalog.indexOf.get(event.itemId)!;
    const previous = lastByUser.get(event.userId);
    if (previous !== undefined) {
      let next = transitions.get(previous);
      if (!next) transitions.set(previous, (next = new Map()));
      next.set(item, (next.get(item) ?? 0) + 1);
    }
    lastByUser.set(event.userId, item);
  }
  return transitions;
}

export function cooccurrenceBaseline(catalog: Catalog, trainEvents: readonly Interaction[], popularity: { order: Int32Array; rank: Int32Array }): Baseline {
  const started = performance.now();
  const transitions = transitionCounts(catalog, trainEvents);
  // Per query item: its successors ranked by count, then popularity rank (which ends in item id).
  const ranked = new Map<number, number[]>();
  for (const [query, next] of transitions) {
    ranked.set(query, [...next.keys()].sort((a, b) => next.get(b)! - next.get(a)! || popularity.rank[a]! - popularity.rank[b]!));
  }
  const recommendOne = (history: Interaction[], k: number): string[] => {
    const last = history.length > 0 ? catalog.indexOf.get(history[history.length - 1]!.itemId) : undefined;
    const picked = (last !== undefined ? ranked.get(last) ?? [] : []).slice(0, k);
    const taken = new Set(picked);
    for (let r = 0; picked.length < k && r < popularity.order.length; r++) {
      const item = popularity.order[r]!;
      if (!taken.has(item)) picked.push(item);
    }
    return picked.map((index) => catalog.ids[index]!);
  };
  return {
    name: 'co-occurrence',
    settings: { queries: transitions.size },
    fitSeconds: secondsSince(started),
    recommend: async (histories, k) => histories.map((history) => recommendOne(history, k)),
  };
}

export interface ItemKnnSettings {
  /** How many of the most recent distinct history items vote. */
  window: number;
  /** Weight of the t-th most recent item: decay^t. */
  decay: number;
}

export function itemKnnBaseline(catalog: Catalog, cosine: Float32Array, tieRank: Int32Array, settings: ItemKnnSettings): Baseline {
  const n = catalog.ids.length;
  return {
    name: 'item-knn',
    settings: { ...settings },
    fitSeconds: 0,
    recommend: async (histories, k) => histories.map((history) => {
      const scores = new Float64Array(n);
      recentDistinctItems(catalog, history, settings.window).forEach((item, age) => {
        addRow(scores, cosine, item * n, settings.decay ** age);
      });
      return topK(scores, k, tieRank).map((index) => catalog.ids[index]!);
    }),
  };
}

/**
 * EASE's item–item weights from the Gram matrix G = XᵀX (not modified), as Float32 n×n:
 * B[i][j] = −P[i][j] / P[j][j] with P = (G + λI)⁻¹, and B[i][i] = 0.
 */
export function fitEaseWeights(gram: Float64Array, n: number, lambda: number): Float32Array {
  const a = gram.slice();
  for (let i = 0; i < n; i++) a[i * n + i] += lambda;
  const p = invertSpd(a, n);
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) weights[row + j] = i === j ? 0 : -p[row + j]! / p[j * n + j]!;
  }
  return weights;
}

export interface EaseSettings {
  lambda: number;
  /**
   * Weight of the t-th most recent distinct history item in the user vector x: decay^t
   * (1 = the classic binary x; lower values favour what the shopper did last).
   */
  decay: number;
}

/** Scores = x·B over every item, with x the (decayed) distinct history items. */
export function easeBaseline(catalog: Catalog, weights: Float32Array, tieRank: Int32Array, settings: EaseSettings): Baseline {
  const n = catalog.ids.length;
  return {
    name: 'ease',
    settings: { ...settings },
    fitSeconds: 0,
    recommend: async (histories, k) => histories.map((history) => {
      const scores = new Float64Array(n);
      recentDistinctItems(catalog, history, Infinity).forEach((item, age) => addRow(scores, weights, item * n, settings.decay ** age));
      return topK(scores, k, tieRank).map((index) => catalog.ids[index]!);
    }),
  };
}

export const BASELINE_NAMES = ['popularity', 'co-occurrence', 'item-knn', 'ease'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export const KNN_GRID: ItemKnnSettings[] = [
  { window: 1, decay: 1 },
  { window: 3, decay: 0.3 },
  { window: 5, decay: 0.6 },
  { window: 20, decay: 0.85 },
];
export const EASE_LAMBDAS = [50, 250, 1000];
/** Tried for each λ: scoring only, no refit. */
export const EASE_DECAYS = [1, 0.6, 0.4, 0.25];

/**
 * Fits every baseline on train, tuning item-kNN and EASE on valid (the same fit serves valid and test).
 * `log` gets one line per fitted or tuned setting.
 */
export async function fitBaselines(
  dataset: Dataset,
  log: (line: string) => void = () => {},
  names: readonly BaselineName[] = BASELINE_NAMES,
): Promise<Baseline[]> {
  const catalog = buildCatalog(dataset);
  const popularity = popularityOrder(catalog, countItems(catalog, dataset.train));
  const baselines: Baseline[] = [];
  if (names.includes('popularity')) baselines.push(popularityBaseline(catalog, dataset.train));
  if (names.includes('co-occurrence')) baselines.push(cooccurrenceBaseline(catalog, dataset.train, popularity));
  const dense = names.filter((name) => name === 'item-knn' || name === 'ease');
  const n = catalog.ids.length;
  if (dense.length === 0) return baselines;
  if (n > MAX_DENSE_ITEMS) {
    log(`${dense.join(' and ')} skipped: ${n} items > ${MAX_DENSE_ITEMS} (dense n×n matrices)`);
    return baselines;
  }
  const tuning = buildEvalCases(dataset, 'valid');
  const started = performance.now();
  const gram = gramMatrix(catalog, dataset.train);
  if (names.includes('item-knn')) {
    const cosine = cosineFromGram(gram, n);
    const { baseline: knn } = await tune(KNN_GRID.map((settings) => () => itemKnnBaseline(catalog, cosine, popularity.rank, settings)), tuning, log);
    knn.fitSeconds = secondsSince(started);
    baselines.push(knn);
  }
  if (!names.includes('ease')) return baselines;

  const easeStarted = performance.now();
  let ease: Baseline | null = null;
  let bestScore = -1;
  for (const lambda of EASE_LAMBDAS) {
    const fitStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    const weights = fitEaseWeights(gram, n, lambda);
    const cpu = process.cpuUsage(cpuStarted);
    log(`  ease λ=${lambda}: fit in ${secondsSince(fitStarted).toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; ${n} items)`);
    const best = await tune(EASE_DECAYS.map((decay) => () => easeBaseline(catalog, weights, popularity.rank, { lambda, decay })), tuning, log);
    if (best.score > bestScore) {
      bestScore = best.score;
      ease = best.baseline;
    }
  }
  ease!.fitSeconds = secondsSince(easeStarted);
  baselines.push(ease!);
  return baselines;
}

/** Builds each candidate in turn, keeps the one with the best valid NDCG@10 (first on ties). */
async function tune(candidates: Array<() => Baseline>, tuning: EvalCases, log: (line: string) => void): Promise<{ baseline: Baseline; score: number }> {
  let best: { baseline: Baseline; score: number } | null = null;
  for (const build of candidates) {
    const started = performance.now();
    const baseline = build();
    const score = ndcg(await baseline.recommend(tuning.histories, 10), tuning.targets, 10);
    log(`  ${baseline.name} ${JSON.stringify(baseline.settings)}: valid NDCG@10 ${score.toFixed(4)} (${secondsSince(started).toFixed(1)} s)`);
    if (!best || score > best.score) best = { baseline, score };
  }
  best!.baseline.settings = { ...best!.baseline.settings, validNdcg10: round(best!.score, 4) };
  return best!;
}

/** The last `limit` distinct items of a history, most recent first (unknown ids skipped). */
function recentDistinctItems(catalog: Catalog, history: readonly Interaction[], limit: number): number[] {
  const seen = new Set<number>();
  for (let t = history.length - 1; t >= 0 && seen.size < limit; t--) {
    const item = catalog.indexOf.get(history[t]!.itemId);
    if (item !== undefined) seen.add(item);
  }
  return [...seen];
}

function addRow(scores: Float64Array, matrix: Float32Array, from: number, weight: number): void {
  for (let j = 0; j < scores.length; j++) scores[j] += weight * matrix[from + j]!;
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

