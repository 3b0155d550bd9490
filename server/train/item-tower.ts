/**
 * The item tower (training only): item_matrix = id embedding + category + price bucket + title
 * tokens. Content rows are shared between items, so an item with no interactions still gets a
 * meaningful row (cold start). The browser receives only the tower's output (`item_matrix`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import type { Catalog } from '../eval/catalog.js';

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
  /** Dense token weights [N, V] and their transpose (for the gradient), when N·V is small enough. */
  tokenMatrix: tf.Tensor2D | null;
  tokenMatrixT: tf.Tensor2D | null;
  tokens: tf.Tensor1D;
  tokenWeights: tf.Tensor2D;
}

/** Above this many N·V entries the token part uses gathers instead of a dense matrix product. */
const DENSE_TOKEN_LIMIT = 30_000_000;

export function featureTensors(features: ItemFeatures): ItemFeatureTensors {
  let tokenMatrix: tf.Tensor2D | null = null;
  let tokenMatrixT: tf.Tensor2D | null = null;
  if (features.itemCount * features.vocabularySize <= DENSE_TOKEN_LIMIT) {
    const dense = new Float32Array(features.itemCount * features.vocabularySize);
    for (let i = 0; i < features.itemCount; i++) {
      for (let k = 0; k < features.tokensPerItem; k++) {
        const slot = i * features.tokensPerItem + k;
        if (features.tokenWeights[slot]! > 0) dense[i * features.vocabularySize + features.tokens[slot]!] = features.tokenWeights[slot]!;
      }
    }
    tokenMatrix = tf.tensor2d(dense, [features.itemCount, features.vocabularySize]);
    tokenMatrixT = tf.transpose(tokenMatrix);
  }
  return {
    category: tf.tensor1d(features.category, 'int32'),
    priceBucket: tf.tensor1d(features.priceBucket, 'int32'),
    tokenMatrix,
    tokenMatrixT,
    tokens: tf.tensor1d(features.tokens, 'int32'),
    tokenWeights: tf.tensor2d(features.tokenWeights, [features.tokenWeights.length, 1]),
  };
}

export interface TowerOps {
  gather: (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor;
  /** constant [N, V] · table [V, D], differentiable in the table only (training). */
  constantMatMul?: (constant: tf.Tensor2D, constantT: tf.Tensor2D, table: tf.Tensor2D) => tf.Tensor2D;
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
  const dims = weights['tower/id']!.shape[1]!;
  const id = idKeep ? tf.mul(weights['tower/id']!, idKeep) : weights['tower/id']!;
  const category = ops.gather(weights['tower/category']!, tensors.category);
  const price = ops.gather(weights['tower/price']!, tensors.priceBucket);
  const table = weights['tower/tokens']! as tf.Tensor2D;
  let tokens: tf.Tensor;
  if (tensors.tokenMatrix && tensors.tokenMatrixT) {
    tokens = ops.constantMatMul ? ops.constantMatMul(tensors.tokenMatrix, tensors.tokenMatrixT, table) : tf.matMul(tensors.tokenMatrix, table);
  } else {
    const tokenRows = tf.mul(ops.gather(table, tensors.tokens), tensors.tokenWeights);
    tokens = tf.sum(tf.reshape(tokenRows, [features.itemCount, features.tokensPerItem, dims]), 1);
  }
  return tf.addN([id, category, price, tokens]) as tf.Tensor2D;
}
