/**
 * The item tower (training only): item_matrix = id embedding + category + price bucket + title
 * tokens. Content rows are shared between items, so an item with no interactions still gets a
 * meaningful row (cold start). The browser receives only the tower's output (`item_matrix`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import type { Catalog } from '../eval/catalog.js';
import { sparseRowsMatMul } from './grad-ops.js';

export interface ItemFeatures {
  itemCount: number;
  categoryCount: number;
  /** Category row of each item (0 = none). */
  category: Int32Array;
  priceBucketCount: number;
  /** Price bucket of each item (0 = no price). */
  priceBucket: Int32Array;
  vocabularySize: number;
  tokensPerItem: number;
  /** [itemCount × tokensPerItem] token rows (0 = padding). */
  tokens: Int32Array;
  /** Weight of each token slot: 1/√(tokens of the item), 0 for padding. */
  tokenWeights: Float32Array;
}

const PRICE_BUCKETS = 16;
const TOKENS_PER_ITEM = 12;
const MAX_VOCABULARY = 6000;

/** Lower-case word tokens of a title (letters/digits, ≥ 2 characters), each once. */
export function titleTokens(title: string): string[] {
  const words = title.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return [...new Set(words)];
}

export function buildItemFeatures(dataset: Dataset, catalog: Catalog): ItemFeatures {
  const n = catalog.ids.length;
  const items = catalog.ids.map((id) => dataset.items?.get(id) ?? null);

  const categoryIndex = new Map<string, number>();
  const category = new Int32Array(n);
  items.forEach((item, i) => {
    const name = item?.category.trim() ?? '';
    if (name === '') return;
    if (!categoryIndex.has(name)) categoryIndex.set(name, categoryIndex.size + 1);
    category[i] = categoryIndex.get(name)!;
  });

  // Price buckets: quantiles of the catalog's prices (log-scale irrelevant for quantiles).
  const prices = items.map((item) => item?.price ?? null).filter((p): p is number => p !== null && Number.isFinite(p)).sort((a, b) => a - b);
  const bounds: number[] = [];
  for (let b = 1; b < PRICE_BUCKETS && prices.length > 0; b++) bounds.push(prices[Math.floor((b * prices.length) / PRICE_BUCKETS)]!);
  const priceBucket = new Int32Array(n);
  items.forEach((item, i) => {
    const price = item?.price;
    if (price === null || price === undefined || !Number.isFinite(price)) return;
    let bucket = 0;
    while (bucket < bounds.length && price > bounds[bucket]!) bucket++;
    priceBucket[i] = bucket + 1;
  });

  // Title tokens shared by at least two items (a token of one item adds nothing over its id).
  const itemTokens = items.map((item) => (item ? titleTokens(item.title) : []));
  const documentFrequency = new Map<string, number>();
  for (const tokens of itemTokens) for (const token of tokens) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
  const vocabulary = [...documentFrequency.entries()]
    .filter(([, count]) => count >= 2 && count < n)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_VOCABULARY)
    .map(([token]) => token);
  const tokenIndex = new Map(vocabulary.map((token, i) => [token, i + 1]));
  const tokens = new Int32Array(n * TOKENS_PER_ITEM);
  const tokenWeights = new Float32Array(n * TOKENS_PER_ITEM);
  itemTokens.forEach((list, i) => {
    const known = list.map((token) => tokenIndex.get(token)).filter((t): t is number => t !== undefined).slice(0, TOKENS_PER_ITEM);
    known.forEach((t, k) => {
      tokens[i * TOKENS_PER_ITEM + k] = t;
      tokenWeights[i * TOKENS_PER_ITEM + k] = 1 / Math.sqrt(known.length);
    });
  });

  return {
    itemCount: n,
    categoryCount: categoryIndex.size + 1,
    category,
    priceBucketCount: bounds.length + 2,
    priceBucket,
    vocabularySize: vocabulary.length + 1,
    tokensPerItem: TOKENS_PER_ITEM,
    tokens,
    tokenWeights,
  };
}

/** Shapes of the tower's trainable tables. */
export function towerWeightShapes(features: ItemFeatures, dims: number): Array<{ name: string; shape: number[] }> {
  return [
    { name: 'tower/id', shape: [features.itemCount, dims] },
    { name: 'tower/category', shape: [features.categoryCount, dims] },
    { name: 'tower/price', shape: [features.priceBucketCount, dims] },
    { name: 'tower/tokens', shape: [features.vocabularySize, dims] },
  ];
}

/** Constant feature tensors, created once per training run. */
export interface ItemFeatureTensors {
  category: tf.Tensor1D;
  priceBucket: tf.Tensor1D;
}

export function featureTensors(features: ItemFeatures): ItemFeatureTensors {
  return {
    category: tf.tensor1d(features.category, 'int32'),
    priceBucket: tf.tensor1d(features.priceBucket, 'int32'),
  };
}

export interface TowerOps {
  gather: (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor;
}

/**
 * item_matrix [N, dims]. `idKeep` (optional [N, 1] of 0/1) drops whole id rows during training so
 * the content part learns to stand alone (what an unseen item has).
 */
export function itemTower(
  weights: Record<string, tf.Tensor>,
  features: ItemFeatures,
  tensors: ItemFeatureTensors,
  ops: TowerOps,
  idKeep?: tf.Tensor,
): tf.Tensor2D {
  const id = idKeep ? tf.mul(weights['tower/id']!, idKeep) : weights['tower/id']!;
  const category = ops.gather(weights['tower/category']!, tensors.category);
  const price = ops.gather(weights['tower/price']!, tensors.priceBucket);
  const tokens = sparseRowsMatMul(features.tokens, features.tokenWeights, features.tokensPerItem, weights['tower/tokens']! as tf.Tensor2D);
  return tf.addN([id, category, price, tokens]) as tf.Tensor2D;
}
