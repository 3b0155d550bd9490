/**
 * The scoring model the widget (and server/recommend.ts) runs: decodes model.json + weights.bin,
 * runs the encoder on one history and scores every catalog item.
 *
 * Use `decodeModel` once per model version, `score(history)` per re-rank, `dispose()` when the
 * model is replaced. Reads are async (`await t.data()`) because WebGPU has no synchronous read.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderConfig, HistoryEvent, ModelJson, WeightEntry } from './artifacts.js';
import {
  asSasrecConfig,
  batchToTensors,
  encodeSequences,
  historiesToBatch,
  indexHistory,
  lastEventRepeatEntries,
  scoreUsers,
  type SasrecConfig,
} from './encoder.js';

export interface ScoringModel {
  readonly config: EncoderConfig;
  readonly itemCount: number;
  readonly dims: number;
  /** One score per catalog item (higher = better); same history → bit-identical scores. */
  score(history: readonly HistoryEvent[]): Promise<Float32Array>;
  /** N × dims row-major item matrix (for MMR / similarity in JS). */
  itemEmbeddings(): Promise<Float32Array>;
  /** Frees every tensor the model made. */
  dispose(): void;
}

/** Names of the per-row dequantization tensors of a per-row uint8 item matrix (see docs/model.md). */
export const ITEM_MATRIX_ROW_MIN = 'item_matrix/row_min';
export const ITEM_MATRIX_ROW_SCALE = 'item_matrix/row_scale';

/** Names of the optional transition-prior weights (see docs/model.md, "Transition prior"). */
export const TRANSITION_NEXT = 'transitions/next';
export const TRANSITION_LOGIT = 'transitions/logit';
export const TRANSITION_MIX = 'transitions/mix';
const TRANSITION_NAMES = new Set([TRANSITION_NEXT, TRANSITION_LOGIT, TRANSITION_MIX]);

/**
 * The transition prior in plain JS (backend-independent): for item q, its top-K next items
 * `next[q·K + k]` (−1 = padding, always after the real ones) with logits `logit[q·K + k]`, and
 * `mix[r]` = the weight of the (r+1)-th most recent history item.
 */
export interface TransitionPrior {
  topK: number;
  next: Int32Array;
  logit: Float32Array;
  mix: Float32Array;
}

/** Dequantized model tensors; the caller owns (and disposes) them. */
export interface DecodedWeights {
  config: SasrecConfig;
  itemMatrix: tf.Tensor2D;
  /** Encoder weights by manifest name (everything but the item matrix and the transition prior). */
  weights: Record<string, tf.Tensor>;
  /** Present only when the model ships all three transitions/* weights. */
  transitions: TransitionPrior | null;
}

/**
 * scores[offset + i] += Σ_r mix[r] · logit(q_r → i), q_r = the r-th most recent item of
 * `historyItems` (chronological catalog indices). Same inputs → same floating-point sums.
 */
export function addTransitionPrior(prior: TransitionPrior, historyItems: ArrayLike<number>, scores: Float32Array, offset = 0): void {
  const { topK, next, logit, mix } = prior;
  const itemCount = next.length / topK;
  for (let r = 0; r < mix.length && r < historyItems.length; r++) {
    const weight = mix[r]!;
    const query = historyItems[historyItems.length - 1 - r]!;
    if (weight === 0 || !(query >= 0 && query < itemCount)) continue;
    for (let k = query * topK, end = k + topK; k < end; k++) {
      const item = next[k]!;
      if (item < 0) break;
      scores[offset + item] += weight * logit[k]!;
    }
  }
}

/** The float32 value of an IEEE half bit pattern. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** One manifest entry's values decoded in plain JS, as tf.io.decodeWeights would (no tensors). */
function decodeEntryValues(spec: WeightEntry, bytes: ArrayBuffer): Float32Array | Int32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization;
  let raw: ArrayLike<number>;
  if (!q) raw = spec.dtype === 'int32' ? new Int32Array(bytes, 0, size) : new Float32Array(bytes, 0, size);
  else if (q.dtype === 'float16') raw = Array.from(new Uint16Array(bytes, 0, size), fromFloat16Bits);
  else {
    const codes = q.dtype === 'uint8' ? new Uint8Array(bytes, 0, size) : new Uint16Array(bytes, 0, size);
    const min = q.min ?? 0;
    const scale = q.scale ?? 1;
    raw = Array.from(codes, (c) => c * scale + min);
  }
  return spec.dtype === 'int32' ? Int32Array.from(raw, Math.round) : Float32Array.from(raw);
}

function asTransitionPrior(entries: Map<string, { spec: WeightEntry; values: Float32Array | Int32Array }>, itemCount: number): TransitionPrior | null {
  const next = entries.get(TRANSITION_NEXT);
  const logit = entries.get(TRANSITION_LOGIT);
  const mix = entries.get(TRANSITION_MIX);
  if (!next || !logit || !mix) return null;
  const shape = next.spec.shape;
  if (shape.length !== 2 || shape[0] !== itemCount || JSON.stringify(logit.spec.shape) !== JSON.stringify(shape)) {
    throw new Error(
      `model.json: weights "${TRANSITION_NEXT}" and "${TRANSITION_LOGIT}" must both have shape [${itemCount}, K] (value: ${JSON.stringify(shape)}, ${JSON.stringify(logit.spec.shape)})`,
    );
  }
  if (mix.spec.shape.length !== 1) throw new Error(`model.json: weight "${TRANSITION_MIX}" must have shape [R] (value: ${JSON.stringify(mix.spec.shape)})`);
  const nextValues = Int32Array.from(next.values);
  const bad = nextValues.findIndex((v) => v < -1 || v >= itemCount);
  if (bad >= 0) throw new Error(`weights: "${TRANSITION_NEXT}"[${bad}] must be −1 or an item index < ${itemCount} (value: ${nextValues[bad]})`);
  return { topK: shape[1]!, next: nextValues, logit: Float32Array.from(logit.values), mix: Float32Array.from(mix.values) };
}

function byteLength(spec: WeightEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytesPer = dtype === 'uint8' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
  return size * bytesPer;
}

/**
 * model.json + weight bytes → tensors. Quantized entries are dequantized by tf.io.decodeWeights;
 * a per-row uint8 item matrix is then rescaled row by row (q · row_scale + row_min).
 * Throws an Error naming the field when the artifacts do not fit together.
 */
export function decodeModelWeights(modelJson: ModelJson, weightData: ArrayBuffer): DecodedWeights {
  if (modelJson.format !== 'reco-sasrec/1') {
    throw new Error(`model.json: field "format" must be "reco-sasrec/1" (value: ${JSON.stringify(modelJson.format)})`);
  }
  const config = asSasrecConfig(modelJson.modelTopology);
  const allSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = allSpecs.reduce((sum, spec) => sum + byteLength(spec), 0);
  if (weightData.byteLength !== expectedBytes) {
    throw new Error(`weights: ${weightData.byteLength} bytes, but model.json's weightsManifest describes ${expectedBytes}`);
  }
  // The transition prior is decoded in plain JS (it is applied on the CPU side of score());
  // everything else becomes tensors. Their bytes are split out of the one buffer.
  const specs: WeightEntry[] = [];
  const tensorParts: Uint8Array[] = [];
  const priorEntries = new Map<string, { spec: WeightEntry; values: Float32Array | Int32Array }>();
  let offset = 0;
  for (const spec of allSpecs) {
    const length = byteLength(spec);
    if (TRANSITION_NAMES.has(spec.name)) priorEntries.set(spec.name, { spec, values: decodeEntryValues(spec, weightData.slice(offset, offset + length)) });
    else {
      specs.push(spec);
      tensorParts.push(new Uint8Array(weightData, offset, length));
    }
    offset += length;
  }
  let tensorData = weightData;
  if (priorEntries.size > 0) {
    const joined = new Uint8Array(tensorParts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const part of tensorParts) {
      joined.set(part, at);
      at += part.length;
    }
    tensorData = joined.buffer;
  }
  const { item_matrix: raw, [ITEM_MATRIX_ROW_MIN]: rowMin, [ITEM_MATRIX_ROW_SCALE]: rowScale, ...weights } = tf.io.decodeWeights(
    tensorData,
    specs as tf.io.WeightsManifestEntry[],
  );
  if (!raw || raw.rank !== 2 || raw.shape[1] !== config.dims) {
    tf.dispose([raw, rowMin, rowScale, ...Object.values(weights)].filter((t): t is tf.Tensor => t !== undefined));
    throw new Error(`model.json: weight "item_matrix" must have shape [N, ${config.dims}] (value: ${JSON.stringify(raw?.shape ?? null)})`);
  }
  let transitions: TransitionPrior | null;
  try {
    transitions = asTransitionPrior(priorEntries, raw.shape[0]);
  } catch (error) {
    tf.dispose([raw, rowMin, rowScale, ...Object.values(weights)].filter((t): t is tf.Tensor => t !== undefined));
    throw error;
  }
  if (!rowMin || !rowScale) return { config, itemMatrix: raw as tf.Tensor2D, weights, transitions };
  const itemMatrix = tf.tidy(() => tf.add(tf.mul(raw, tf.reshape(rowScale, [-1, 1])), tf.reshape(rowMin, [-1, 1]))) as tf.Tensor2D;
  tf.dispose([raw, rowMin, rowScale]);
  return { config, itemMatrix, weights, transitions };
}

/** Rebuilds the scoring model from model.json and its weight bytes (see decodeModelWeights). */
export function decodeModel(modelJson: ModelJson, weightData: ArrayBuffer): ScoringModel {
  return new TfScoringModel(decodeModelWeights(modelJson, weightData));
}

class TfScoringModel implements ScoringModel {
  readonly config: SasrecConfig;
  readonly itemCount: number;
  readonly dims: number;
  private readonly weights: Record<string, tf.Tensor>;
  private readonly itemMatrix: tf.Tensor2D;
  private readonly itemMatrixT: tf.Tensor2D;
  private readonly transitions: TransitionPrior | null;

  constructor(decoded: DecodedWeights) {
    this.transitions = decoded.transitions;
    this.config = decoded.config;
    this.weights = decoded.weights;
    this.itemMatrix = decoded.itemMatrix;
    this.itemMatrixT = tf.transpose(this.itemMatrix);
    this.itemCount = this.itemMatrix.shape[0];
    this.dims = this.config.dims;
  }

  async score(history: readonly HistoryEvent[]): Promise<Float32Array> {
    const indexed = indexHistory(this.config, history, this.itemCount);
    const batch = historiesToBatch(this.config, [indexed]);
    const scores = tf.tidy(() => {
      const hidden = encodeSequences(this.config, this.weights, this.itemMatrix, batchToTensors(batch));
      const last = tf.reshape(tf.slice(hidden, [0, batch.length - 1, 0], [1, 1, this.dims]), [1, this.dims]) as tf.Tensor2D;
      return scoreUsers(this.config, this.weights, last, this.itemMatrixT, lastEventRepeatEntries(this.config, [indexed]));
    });
    let values: Float32Array;
    try {
      // A copy: backends may hand out their own buffer, and the prior writes into it.
      values = Float32Array.from((await scores.data()) as Float32Array);
    } finally {
      scores.dispose();
    }
    if (this.transitions) addTransitionPrior(this.transitions, indexed.items, values);
    return values;
  }

  async itemEmbeddings(): Promise<Float32Array> {
    return (await this.itemMatrix.data()) as Float32Array;
  }

  dispose(): void {
    tf.dispose([this.itemMatrix, this.itemMatrixT, ...Object.values(this.weights)]);
  }
}
