/**
 * Fast full-ranking evaluation inside training (validation every epoch, test at the end):
 * batched encoder passes, then the rank of each held-out item among ALL catalog items
 * (ties → lower item index, the widget's rule). Formulas: HR@K = mean[rank < K],
 * NDCG@K = mean[rank < K] / log2(rank + 2) (one relevant item), rank 0 = best.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  batchToTensors,
  emptySequenceBatch,
  encodeSequences,
  lastEventRepeatEntries,
  scoreUsers,
  writeSequence,
  type SasrecConfig,
} from '../../src/model/encoder.js';
import { addTransitionPrior, type TransitionPrior } from '../../src/model/scoring-model.js';
import type { IndexedSequence } from './sequences.js';

/** Rank of `target` in `scores` (0 = best): higher scores first, ties to the lower index. */
export function rankOfTarget(scores: ArrayLike<number>, offset: number, count: number, target: number): number {
  const targetScore = scores[offset + target]!;
  let rank = 0;
  for (let i = 0; i < count; i++) {
    const s = scores[offset + i]!;
    if (s > targetScore || (s === targetScore && i < target)) rank++;
  }
  return rank;
}

/**
 * Model scores of every catalog item for each history (the last maxLength events of each),
 * batch by batch: `visit(values, first, count)` gets a [count, N] row-major block of histories
 * first … first+count−1. Scoring goes through the same encoder and scoreUsers as the widget.
 */
export async function scoreHistories(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  itemMatrix: tf.Tensor2D,
  histories: readonly IndexedSequence[],
  visit: (values: Float32Array, first: number, count: number) => void,
  batchSize = 256,
): Promise<void> {
  const itemMatrixT = tf.transpose(itemMatrix);
  try {
    for (let first = 0; first < histories.length; first += batchSize) {
      const count = Math.min(batchSize, histories.length - first);
      const batch = emptySequenceBatch(count, config.maxLength);
      for (let r = 0; r < count; r++) {
        const h = histories[first + r]!;
        writeSequence(config, batch, r, h.items, h.eventTypes, h.timestamps, 0, h.items.length);
      }
      const scores = tf.tidy(() => {
        const hidden = encodeSequences(config, weights, itemMatrix, batchToTensors(batch));
        const last = tf.reshape(tf.slice(hidden, [0, config.maxLength - 1, 0], [count, 1, config.dims]), [count, config.dims]) as tf.Tensor2D;
        return scoreUsers(config, weights, last, itemMatrixT, lastEventRepeatEntries(config, histories.slice(first, first + count)));
      });
      const values = Float32Array.from((await scores.data()) as Float32Array);
      scores.dispose();
      visit(values, first, count);
    }
  } finally {
    itemMatrixT.dispose();
  }
}

/**
 * The rank of each target given its history, with the transition prior added when given
 * (as ScoringModel.score does).
 */
export async function rankTargets(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  itemMatrix: tf.Tensor2D,
  histories: readonly IndexedSequence[],
  targets: Int32Array,
  prior: TransitionPrior | null = null,
): Promise<Int32Array> {
  const ranks = new Int32Array(targets.length);
  const itemCount = itemMatrix.shape[0];
  await scoreHistories(config, weights, itemMatrix, histories, (values, first, count) => {
    for (let r = 0; r < count; r++) {
      if (prior) addTransitionPrior(prior, histories[first + r]!.items, values, r * itemCount);
      ranks[first + r] = rankOfTarget(values, r * itemCount, itemCount, targets[first + r]!);
    }
  });
  return ranks;
}

export interface RankMetrics {
  hr10: number;
  ndcg10: number;
  users: number;
}

export function metricsFromRanks(ranks: ArrayLike<number>, k = 10): RankMetrics {
  let hits = 0;
  let gain = 0;
  for (let i = 0; i < ranks.length; i++) {
    const rank = ranks[i]!;
    if (rank < k) {
      hits++;
      gain += 1 / Math.log2(rank + 2);
    }
  }
  const users = ranks.length;
  return { hr10: users ? hits / users : 0, ndcg10: users ? gain / users : 0, users };
}

/** Ranks under popularity: `order` = item indices most popular first (server/eval/catalog.ts). */
export function popularityRanks(order: Int32Array, targets: Int32Array): Int32Array {
  const rankOf = new Int32Array(order.length);
  order.forEach((item, r) => (rankOf[item] = r));
  return targets.map((t) => rankOf[t]!);
}
