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

/** Dequantized model tensors; the caller owns (and disposes) them. */
export interface DecodedWeights {
  config: SasrecConfig;
  itemMatrix: tf.Tensor2D;
  /** Encoder weights by manifest name (everything but the item matrix). */
  weights: Record<string, tf.Tensor>;
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
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = specs.reduce((sum, spec) => sum + byteLength(spec), 0);
  if (weightData.byteLength !== expectedBytes) {
    throw new Error(`weights: ${weightData.byteLength} bytes, but model.json's weightsManifest describes ${expectedBytes}`);
  }
  const { item_matrix: raw, [ITEM_MATRIX_ROW_MIN]: rowMin, [ITEM_MATRIX_ROW_SCALE]: rowScale, ...weights } = tf.io.decodeWeights(
    weightData,
    specs as tf.io.WeightsManifestEntry[],
  );
  if (!raw || raw.rank !== 2 || raw.shape[1] !== config.dims) {
    tf.dispose([raw, rowMin, rowScale, ...Object.values(weights)].filter((t): t is tf.Tensor => t !== undefined));
    throw new Error(`model.json: weight "item_matrix" must have shape [N, ${config.dims}] (value: ${JSON.stringify(raw?.shape ?? null)})`);
  }
  if (!rowMin || !rowScale) return { config, itemMatrix: raw as tf.Tensor2D, weights };
  const itemMatrix = tf.tidy(() => tf.add(tf.mul(raw, tf.reshape(rowScale, [-1, 1])), tf.reshape(rowMin, [-1, 1]))) as tf.Tensor2D;
  tf.dispose([raw, rowMin, rowScale]);
  return { config, itemMatrix, weights };
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

  constructor(decoded: DecodedWeights) {
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
    try {
      return (await scores.data()) as Float32Array;
    } finally {
      scores.dispose();
    }
  }

  async itemEmbeddings(): Promise<Float32Array> {
    return (await this.itemMatrix.data()) as Float32Array;
  }

  dispose(): void {
    tf.dispose([this.itemMatrix, this.itemMatrixT, ...Object.values(this.weights)]);
  }
}
