/**
 * The sequence encoder (SASRec family), written once with @tensorflow/tfjs-core ops and used by
 * training in Node and by the widget in the browser (webgpu / webgl / wasm / cpu).
 *
 * Input item representation = rows of `item_matrix` (the item tower's output, precomputed at
 * export), the same matrix the user vector is scored against, so the browser needs nothing else.
 * Per event: item row · √dims + learned position + event-type + time-gap-bucket embeddings, then
 * pre-LayerNorm causal multi-head self-attention blocks. The user vector is the last position.
 * Scores: user · item_matrixᵀ, plus a learned repeat bias for items already in the history
 * (recency-bucketed), because retail shoppers re-buy.
 *
 * Rules for backend portability: functional ops only (`tf.transpose(x)`, never `x.transpose()`),
 * no einsum, and matMul without transpose flags (the wasm backend's transposed path is ~10× slower).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EVENT_TYPES, type EncoderConfig, type EventType, type HistoryEvent } from './artifacts.js';

/** Upper bounds (seconds) of the time-gap buckets: same invoice/session, minutes, hours, days, weeks, months. */
export const DEFAULT_TIME_GAP_BUCKETS_SECONDS = [0, 60, 600, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 90 * 86400];

/**
 * Upper bounds of the repeat-bias recency buckets: an item last seen `r` events before the end of
 * the history (r = 1 is the latest event) falls in the first bucket whose bound is ≥ r.
 */
export const DEFAULT_REPEAT_BUCKETS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];

/** Extra EncoderConfig fields this encoder reads (kept in modelTopology). */
export interface SasrecConfig extends EncoderConfig {
  /** Width of the feed-forward hidden layer. */
  ffDims: number;
  /** Recency bounds of the repeat bias (see DEFAULT_REPEAT_BUCKETS); empty = no repeat bias. */
  repeatBuckets: number[];
  /**
   * How many recent events the repeat bias looks at (≥ maxLength): the attention reads only the
   * last maxLength events, but a shopper re-buys items from much longer ago.
   */
  repeatWindow: number;
}

export function defaultEncoderConfig(overrides: Partial<SasrecConfig> = {}): SasrecConfig {
  return {
    architecture: 'sasrec-fused',
    maxLength: 50,
    dims: 64,
    heads: 2,
    layers: 2,
    ffDims: 128,
    eventTypes: [...EVENT_TYPES],
    timeGapBucketsSeconds: [...DEFAULT_TIME_GAP_BUCKETS_SECONDS],
    repeatBuckets: [...DEFAULT_REPEAT_BUCKETS],
    repeatWindow: 256,
    ...overrides,
  };
}

/** Reads the encoder-specific fields of a stored config, with an error naming the bad field. */
export function asSasrecConfig(config: EncoderConfig): SasrecConfig {
  const { dims, heads, layers, maxLength } = config;
  for (const [field, value] of Object.entries({ dims, heads, layers, maxLength })) {
    if (!Number.isInteger(value) || (value as number) < (field === 'layers' ? 0 : 1)) {
      throw new Error(`EncoderConfig.${field}: expected a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  if (dims % heads !== 0) throw new Error(`EncoderConfig.dims (${dims}) must be a multiple of heads (${heads})`);
  const ffDims = config['ffDims'] ?? dims;
  if (!Number.isInteger(ffDims) || (ffDims as number) < 1) {
    throw new Error(`EncoderConfig.ffDims: expected a positive integer, got ${JSON.stringify(ffDims)}`);
  }
  const repeatBuckets = config['repeatBuckets'] ?? [];
  if (!Array.isArray(repeatBuckets) || !repeatBuckets.every((b) => Number.isInteger(b) && b > 0)) {
    throw new Error(`EncoderConfig.repeatBuckets: expected positive integers, got ${JSON.stringify(repeatBuckets)}`);
  }
  const repeatWindow = config['repeatWindow'] ?? maxLength;
  if (!Number.isInteger(repeatWindow) || (repeatWindow as number) < 1) {
    throw new Error(`EncoderConfig.repeatWindow: expected a positive integer, got ${JSON.stringify(repeatWindow)}`);
  }
  return { ...config, ffDims: ffDims as number, repeatBuckets: repeatBuckets as number[], repeatWindow: repeatWindow as number };
}

/** Name and shape of every encoder weight (everything but `item_matrix`), in a fixed order. */
export function encoderWeightShapes(config: SasrecConfig, itemCount: number): Array<{ name: string; shape: number[] }> {
  const d = config.dims;
  const shapes = [
    { name: 'positions', shape: [config.maxLength, d] },
    { name: 'event_types', shape: [config.eventTypes.length, d] },
    { name: 'time_gaps', shape: [config.timeGapBucketsSeconds.length + 1, d] },
  ];
  for (let l = 0; l < config.layers; l++) {
    const p = `layer${l}/`;
    shapes.push(
      { name: `${p}ln1_gamma`, shape: [d] },
      { name: `${p}ln1_beta`, shape: [d] },
      { name: `${p}wq`, shape: [d, d] },
      { name: `${p}wk`, shape: [d, d] },
      { name: `${p}wv`, shape: [d, d] },
      { name: `${p}wo`, shape: [d, d] },
      { name: `${p}ln2_gamma`, shape: [d] },
      { name: `${p}ln2_beta`, shape: [d] },
      { name: `${p}ff1`, shape: [d, config.ffDims] },
      { name: `${p}ff1_bias`, shape: [config.ffDims] },
      { name: `${p}ff2`, shape: [config.ffDims, d] },
      { name: `${p}ff2_bias`, shape: [d] },
    );
  }
  shapes.push({ name: 'final_ln_gamma', shape: [d] }, { name: 'final_ln_beta', shape: [d] });
  if (config.repeatBuckets.length > 0) {
    // One bias per recency bucket, scaled by a gate that reads the user vector.
    shapes.push({ name: 'repeat_bias', shape: [config.repeatBuckets.length + 1] });
    shapes.push({ name: 'repeat_gate', shape: [d] });
    // Per item: how re-buyable it is (consumables are; a sofa is not).
    shapes.push({ name: 'repeat_item_bias', shape: [itemCount] });
  }
  return shapes;
}

/** Bucket of a gap between two consecutive events (seconds); the first event gets the last bucket. */
export function timeGapBucket(bounds: readonly number[], gapSeconds: number | null): number {
  if (gapSeconds === null || !Number.isFinite(gapSeconds)) return bounds.length;
  for (let i = 0; i < bounds.length; i++) if (gapSeconds <= bounds[i]!) return i;
  return bounds.length;
}

/** Bucket of a recency r ≥ 1 (events before the end of the history). */
export function repeatBucket(bounds: readonly number[], recency: number): number {
  for (let i = 0; i < bounds.length; i++) if (recency <= bounds[i]!) return i;
  return bounds.length;
}

/**
 * A batch of left-padded sequences as flat row-major arrays [batch, length]: the latest event is
 * always at column length-1, padding (mask 0) on the left.
 */
export interface SequenceBatch {
  batch: number;
  length: number;
  items: Int32Array;
  mask: Float32Array;
  eventTypes: Int32Array;
  timeGaps: Int32Array;
}

export function emptySequenceBatch(batch: number, length: number): SequenceBatch {
  const size = batch * length;
  return {
    batch,
    length,
    items: new Int32Array(size),
    mask: new Float32Array(size),
    eventTypes: new Int32Array(size),
    timeGaps: new Int32Array(size),
  };
}

/**
 * Writes one sequence (oldest first; timestamps in seconds) into row `row`, keeping its last
 * `length` events. Gaps are taken from the event before each one, even when that event is cut.
 */
export function writeSequence(
  config: EncoderConfig,
  target: SequenceBatch,
  row: number,
  items: ArrayLike<number>,
  eventTypes: ArrayLike<number>,
  timestampsSeconds: ArrayLike<number>,
  start: number,
  end: number,
): void {
  const count = Math.min(end - start, target.length);
  const first = end - count;
  const base = row * target.length + (target.length - count);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const o = base + k;
    target.items[o] = items[i]!;
    target.mask[o] = 1;
    target.eventTypes[o] = eventTypes[i]!;
    target.timeGaps[o] = timeGapBucket(
      config.timeGapBucketsSeconds,
      i > 0 ? timestampsSeconds[i]! - timestampsSeconds[i - 1]! : null,
    );
  }
}

/** Event-type row of a type name (unknown types read as the first row, `view`). */
export function eventTypeIndex(config: EncoderConfig, type: EventType): number {
  const index = config.eventTypes.indexOf(type);
  return index < 0 ? 0 : index;
}

/** A history as parallel arrays in catalog indices (oldest first; timestamps in seconds). */
export interface IndexedHistory {
  items: number[];
  eventTypes: number[];
  timestampsSeconds: number[];
}

/**
 * Browser-side history → indexed arrays. Events without an item (a search with no result) and
 * items outside the catalog are skipped; HistoryEvent timestamps are milliseconds.
 */
export function indexHistory(config: EncoderConfig, history: readonly HistoryEvent[], itemCount: number): IndexedHistory {
  const out: IndexedHistory = { items: [], eventTypes: [], timestampsSeconds: [] };
  for (const event of history) {
    const index = event.itemIndex;
    if (index === null || !Number.isInteger(index) || index < 0 || index >= itemCount) continue;
    out.items.push(index);
    out.eventTypes.push(eventTypeIndex(config, event.type));
    out.timestampsSeconds.push(event.timestamp / 1000);
  }
  return out;
}

/** Indexed histories → an encoder batch (each keeps its last maxLength events). */
export function historiesToBatch(config: EncoderConfig, histories: readonly IndexedHistory[]): SequenceBatch {
  const out = emptySequenceBatch(histories.length, config.maxLength);
  histories.forEach((h, row) => writeSequence(config, out, row, h.items, h.eventTypes, h.timestampsSeconds, 0, h.items.length));
  return out;
}

/** tf.gather, or a training-time replacement with a fast gradient. */
export type GatherFn = (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor;
/** a · b for 2-D tensors, or a training-time replacement with flag-free gradients. */
export type MatMulFn = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export interface ForwardOptions {
  /** Dropout rate while training; 0 (default) at inference. */
  dropout?: number;
  /** Seed of the first dropout mask; later masks use seed+1, seed+2, … (deterministic). */
  seed?: number;
  gather?: GatherFn;
  matMul?: MatMulFn;
}

export interface SequenceTensors {
  items: tf.Tensor2D;
  mask: tf.Tensor2D;
  eventTypes: tf.Tensor2D;
  timeGaps: tf.Tensor2D;
}

export function batchToTensors(batch: SequenceBatch): SequenceTensors {
  const shape: [number, number] = [batch.batch, batch.length];
  return {
    items: tf.tensor2d(batch.items, shape, 'int32'),
    mask: tf.tensor2d(batch.mask, shape, 'float32'),
    eventTypes: tf.tensor2d(batch.eventTypes, shape, 'int32'),
    timeGaps: tf.tensor2d(batch.timeGaps, shape, 'int32'),
  };
}

/**
 * An inverted-dropout mask (0 or 1/(1−rate)) from a seeded xorshift generator: deterministic on
 * every backend and ~50× faster than tf.dropout's seeded randomUniform on wasm.
 */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(size);
  const keep = 1 / (1 - rate);
  const threshold = Math.floor(rate * 4294967296);
  let state = (Math.imul(seed + 1, 0x9e3779b1) ^ 0x85ebca6b) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    mask[i] = state >>> 0 < threshold ? 0 : keep;
  }
  return tf.tensor(mask, shape);
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
}

function weight(weights: Record<string, tf.Tensor>, name: string): tf.Tensor {
  const w = weights[name];
  if (!w) throw new Error(`encoder weight "${name}" is missing`);
  return w;
}

/**
 * Hidden states [batch, length, dims] of every position (causal: position t sees events ≤ t).
 * Call inside tf.tidy (or a gradient function): intermediates are not disposed here.
 */
export function encodeSequences(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  itemMatrix: tf.Tensor2D,
  inputs: SequenceTensors,
  options: ForwardOptions = {},
): tf.Tensor3D {
  const gather = options.gather ?? ((table, indices) => tf.gather(table, indices));
  const matMul = options.matMul ?? ((a, b) => tf.matMul(a, b));
  const rate = options.dropout ?? 0;
  let seed = options.seed ?? 0;
  const dropout = (x: tf.Tensor): tf.Tensor => (rate > 0 ? tf.mul(x, dropoutMask(x.shape, rate, seed++)) : x);
  const [batch, length] = inputs.items.shape;
  const d = config.dims;
  const heads = config.heads;
  const headDims = d / heads;
  const rows = batch * length;

  const flatItems = tf.reshape(inputs.items, [rows]);
  const maskColumn = tf.reshape(inputs.mask, [rows, 1]);
  const itemRows = tf.mul(tf.mul(gather(itemMatrix, flatItems), Math.sqrt(d)), maskColumn);
  const positions = tf.slice(weight(weights, 'positions'), [config.maxLength - length, 0], [length, d]);
  const context = tf.add(
    gather(weight(weights, 'event_types'), tf.reshape(inputs.eventTypes, [rows])),
    gather(weight(weights, 'time_gaps'), tf.reshape(inputs.timeGaps, [rows])),
  );
  let x: tf.Tensor = tf.add(tf.reshape(tf.add(itemRows, tf.mul(context, maskColumn)), [batch, length, d]), positions);
  x = tf.mul(dropout(x), tf.reshape(inputs.mask, [batch, length, 1]));

  // Additive attention mask [batch, 1, length, length]: causal and no padded keys.
  const causal = tf.linalg.bandPart(tf.ones([length, length]), -1, 0);
  const allowed = tf.mul(tf.reshape(causal, [1, 1, length, length]), tf.reshape(inputs.mask, [batch, 1, 1, length]));
  const attentionBias = tf.mul(tf.sub(1, allowed), -1e9);
  const splitHeads = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [batch, length, heads, headDims]), [0, 2, 1, 3]);

  for (let l = 0; l < config.layers; l++) {
    const p = `layer${l}/`;
    const normed = tf.reshape(layerNorm(x, weight(weights, `${p}ln1_gamma`), weight(weights, `${p}ln1_beta`)), [rows, d]) as tf.Tensor2D;
    const q = splitHeads(matMul(normed, weight(weights, `${p}wq`) as tf.Tensor2D));
    const k = splitHeads(matMul(normed, weight(weights, `${p}wk`) as tf.Tensor2D));
    const v = splitHeads(matMul(normed, weight(weights, `${p}wv`) as tf.Tensor2D));
    const logits = tf.add(tf.mul(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(headDims)), attentionBias);
    const attended = tf.matMul(dropout(tf.softmax(logits)), v);
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [rows, d]) as tf.Tensor2D;
    x = tf.add(x, tf.reshape(dropout(matMul(merged, weight(weights, `${p}wo`) as tf.Tensor2D)), [batch, length, d]));

    const normed2 = tf.reshape(layerNorm(x, weight(weights, `${p}ln2_gamma`), weight(weights, `${p}ln2_beta`)), [rows, d]) as tf.Tensor2D;
    const hidden = dropout(tf.relu(tf.add(matMul(normed2, weight(weights, `${p}ff1`) as tf.Tensor2D), weight(weights, `${p}ff1_bias`))));
    const ff = tf.add(matMul(hidden as tf.Tensor2D, weight(weights, `${p}ff2`) as tf.Tensor2D), weight(weights, `${p}ff2_bias`));
    x = tf.add(x, tf.reshape(dropout(ff), [batch, length, d]));
    x = tf.mul(x, tf.reshape(inputs.mask, [batch, length, 1]));
  }
  return layerNorm(x, weight(weights, 'final_ln_gamma'), weight(weights, 'final_ln_beta')) as tf.Tensor3D;
}

/**
 * The repeat bias of the items in each history, as sparse entries: for row b, every distinct item
 * of the history gets bias[bucket of its latest occurrence's recency]. Positions are given by the
 * caller so training can use prefixes (see server/train) and inference the whole history.
 */
export interface RepeatEntries {
  /** Row (in the score matrix) of each entry. */
  rows: Int32Array;
  /** Item index of each entry. */
  items: Int32Array;
  /** Recency bucket of each entry. */
  buckets: Int32Array;
}

/**
 * Appends the repeat entries of score row `row`: each distinct item among items[end − repeatWindow
 * + 1 .. end] with the recency bucket of its latest occurrence (recency 1 = items[end]).
 * `seen` is scratch space (cleared here). Training calls this for every position, inference for
 * the last event, so both apply the same rule.
 */
export function appendRepeatEntries(
  config: SasrecConfig,
  items: ArrayLike<number>,
  end: number,
  row: number,
  out: { rows: number[]; items: number[]; buckets: number[] },
  seen: Set<number>,
): void {
  if (config.repeatBuckets.length === 0) return;
  seen.clear();
  const first = Math.max(0, end - config.repeatWindow + 1);
  for (let i = end; i >= first; i--) {
    const item = items[i]!;
    if (seen.has(item)) continue;
    seen.add(item);
    out.rows.push(row);
    out.items.push(item);
    out.buckets.push(repeatBucket(config.repeatBuckets, end - i + 1));
  }
}

export function toRepeatEntries(lists: { rows: number[]; items: number[]; buckets: number[] }): RepeatEntries {
  return { rows: Int32Array.from(lists.rows), items: Int32Array.from(lists.items), buckets: Int32Array.from(lists.buckets) };
}

/** Repeat entries of the latest event of each history (inference: one score row per history). */
export function lastEventRepeatEntries(config: SasrecConfig, histories: ReadonlyArray<{ items: ArrayLike<number> }>): RepeatEntries {
  const lists = { rows: [] as number[], items: [] as number[], buckets: [] as number[] };
  const seen = new Set<number>();
  histories.forEach((h, row) => appendRepeatEntries(config, h.items, h.items.length - 1, row, lists, seen));
  return toRepeatEntries(lists);
}

/**
 * Scores [rows, N] = users · item_matrixᵀ (+ the gated repeat bias of `repeat` entries).
 * `itemMatrixT` is the transposed item matrix [dims, N] (pre-transposed: faster on wasm).
 */
export function scoreUsers(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  users: tf.Tensor2D,
  itemMatrixT: tf.Tensor2D,
  repeat: RepeatEntries | null,
  options: { matMul?: MatMulFn; gather?: GatherFn; scatterAdd?: ScatterAddFn } = {},
): tf.Tensor2D {
  const matMul = options.matMul ?? ((a, b) => tf.matMul(a, b));
  const scores = matMul(users, itemMatrixT);
  if (!repeat || repeat.rows.length === 0 || config.repeatBuckets.length === 0) return scores;
  const scatterAdd = options.scatterAdd ?? scatterAddInto;
  const itemCount = scores.shape[1];
  const values = repeatBiasValues(config, weights, users, repeat, options);
  const flatIndex = new Int32Array(repeat.rows.length);
  for (let e = 0; e < flatIndex.length; e++) flatIndex[e] = repeat.rows[e]! * itemCount + repeat.items[e]!;
  return scatterAdd(scores, tf.tensor1d(flatIndex, 'int32'), values) as tf.Tensor2D;
}

/**
 * The repeat bias of each entry: (bias[bucket] + item_bias[item]) · sigmoid(user · repeat_gate). The gate lets the
 * user state scale the bias (some sessions re-buy, others explore).
 */
export function repeatBiasValues(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  users: tf.Tensor2D,
  repeat: RepeatEntries,
  options: { matMul?: MatMulFn; gather?: GatherFn } = {},
): tf.Tensor1D {
  const matMul = options.matMul ?? ((a, b) => tf.matMul(a, b));
  const gather = options.gather ?? ((table, indices) => tf.gather(table, indices));
  const gate = tf.reshape(tf.sigmoid(matMul(users, tf.reshape(weight(weights, 'repeat_gate'), [config.dims, 1]) as tf.Tensor2D)), [users.shape[0]]);
  const bias = tf.add(
    gather(weight(weights, 'repeat_bias'), tf.tensor1d(repeat.buckets, 'int32')),
    gather(weight(weights, 'repeat_item_bias'), tf.tensor1d(repeat.items, 'int32')),
  );
  return tf.mul(bias, gather(gate, tf.tensor1d(repeat.rows, 'int32'))) as tf.Tensor1D;
}

/** target + a dense tensor holding `values` at flat positions `flatIndex` (duplicates sum). */
export type ScatterAddFn = (target: tf.Tensor, flatIndex: tf.Tensor1D, values: tf.Tensor) => tf.Tensor;

function scatterAddInto(target: tf.Tensor, flatIndex: tf.Tensor1D, values: tf.Tensor): tf.Tensor {
  const size = target.size;
  const dense = tf.scatterND(tf.reshape(flatIndex, [-1, 1]), values, [size]);
  return tf.add(target, tf.reshape(dense, target.shape));
}
