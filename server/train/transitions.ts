/**
 * The transition prior shipped with the model (docs/model.md, "Transition prior"): the top-K next
 * items of every item counted over consecutive TRAIN events (what the co-occurrence baseline
 * counts), with logits log(1 + count), and a recency mix tuned on VALID after the encoder is
 * trained. score() adds Σ_r mix[r] · logit(q_r → i) over the last few history items q_r.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SasrecConfig } from '../../src/model/encoder.js';
import { addTransitionPrior, TRANSITION_LOGIT, TRANSITION_MIX, TRANSITION_NEXT, type TransitionPrior } from '../../src/model/scoring-model.js';
import type { Interaction } from '../data/types.js';
import { transitionCounts } from '../eval/baselines.js';
import type { Catalog } from '../eval/catalog.js';
import { metricsFromRanks, rankOfTarget, scoreHistories } from './evaluate.js';
import type { NamedArray } from './trainer.js';
import type { IndexedCases } from './trainer.js';

/** Next items kept per item. */
export const TRANSITION_TOP_K = 32;
/** History items the prior reads (the most recent first). */
export const TRANSITION_RECENCY = 3;
/** Cap on stored valid scores while tuning (users × items floats ≈ 80 MB). */
const TUNING_SCORE_BUDGET = 20_000_000;

/** How a transition count becomes a logit: c = count(q→i), total = Σ_i count(q→i). */
export type TransitionLogitForm = (count: number, total: number) => number;
export const LOG_COUNT: TransitionLogitForm = (count) => Math.log1p(count);

/** Top-K next items per item (count desc, then lower index) and their logits; mix = 0. */
export function transitionTables(
  catalog: Catalog,
  trainEvents: readonly Interaction[],
  topK = TRANSITION_TOP_K,
  recency = TRANSITION_RECENCY,
  form: TransitionLogitForm = LOG_COUNT,
): TransitionPrior {
  const itemCount = catalog.ids.length;
  const next = new Int32Array(itemCount * topK).fill(-1);
  const logit = new Float32Array(itemCount * topK);
  for (const [query, counts] of transitionCounts(catalog, trainEvents)) {
    let total = 0;
    for (const count of counts.values()) total += count;
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topK);
    ranked.forEach(([item, count], k) => {
      next[query * topK + k] = item;
      logit[query * topK + k] = form(count, total);
    });
  }
  return { topK, next, logit, mix: new Float32Array(recency) };
}

/** The prior as exported weights (transitions/next as integer values, see quantize.ts). */
export function transitionWeights(prior: TransitionPrior): NamedArray[] {
  const items = prior.next.length / prior.topK;
  return [
    { name: TRANSITION_NEXT, shape: [items, prior.topK], values: Float32Array.from(prior.next), dtype: 'int32' },
    { name: TRANSITION_LOGIT, shape: [items, prior.topK], values: prior.logit },
    { name: TRANSITION_MIX, shape: [prior.mix.length], values: prior.mix },
  ];
}

export interface MixTuning {
  mix: Float32Array;
  /** Valid NDCG@10 with the chosen mix, and without the prior (same users). */
  ndcg10: number;
  baseNdcg10: number;
  users: number;
  trials: number;
}

/**
 * Chooses `mix` on the valid cases by coordinate search over a small grid: first the weight of
 * the last item, then each older item as a fraction of it. Model scores are computed once
 * (the encoder does not depend on mix). Ties keep the earlier (smaller) candidate.
 */
export async function tuneTransitionMix(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  itemMatrix: tf.Tensor2D,
  valid: IndexedCases,
  tables: TransitionPrior,
): Promise<MixTuning> {
  const itemCount = itemMatrix.shape[0];
  const users = Math.min(valid.targets.length, Math.max(1, Math.floor(TUNING_SCORE_BUDGET / itemCount)));
  const histories = valid.histories.slice(0, users);
  const scores = new Float32Array(users * itemCount);
  await scoreHistories(config, weights, itemMatrix, histories, (values, first) => scores.set(values, first * itemCount));
  const row = new Float32Array(itemCount);
  let trials = 0;
  const evaluate = (mix: Float32Array): number => {
    trials++;
    const prior = { ...tables, mix };
    const ranks = new Int32Array(users);
    for (let u = 0; u < users; u++) {
      row.set(scores.subarray(u * itemCount, (u + 1) * itemCount));
      addTransitionPrior(prior, histories[u]!.items, row);
      ranks[u] = rankOfTarget(row, 0, itemCount, valid.targets[u]!);
    }
    return metricsFromRanks(ranks).ndcg10;
  };
  const best: { mix: Float32Array; ndcg: number } = { mix: new Float32Array(tables.mix.length), ndcg: 0 };
  best.ndcg = evaluate(best.mix);
  const baseNdcg10 = best.ndcg;
  const tryMix = (mix: Float32Array): void => {
    const ndcg = evaluate(mix);
    if (ndcg > best.ndcg) {
      best.ndcg = ndcg;
      best.mix = mix;
    }
  };
  const lastWeights = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6];
  const olderFractions = [0.1, 0.25, 0.5, 0.75];
  for (const w of lastWeights) tryMix(Float32Array.of(w, ...best.mix.subarray(1)));
  for (let r = 1; r < best.mix.length; r++) {
    const lead = best.mix[0]!;
    for (const f of olderFractions) {
      const mix = Float32Array.from(best.mix);
      mix[r] = lead * f;
      tryMix(mix);
    }
  }
  // Re-balance the lead weight once the older ones are set.
  const lead = best.mix[0]!;
  for (const f of [0.75, 1.25, 1.5]) {
    const mix = Float32Array.from(best.mix);
    mix[0] = lead * f;
    tryMix(mix);
  }
  return { mix: best.mix, ndcg10: best.ndcg, baseNdcg10, users, trials };
}
