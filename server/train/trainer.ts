/**
 * The training loop: full-softmax next-item prediction at every position of every training
 * window (all catalog items are negatives), Adam, dropout, early stopping on valid NDCG@10.
 * Seeded: the same data + seed + hyper-parameters give bit-identical weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors, encodeSequences, encoderWeightShapes, repeatBiasValues, scoreUsers, type SasrecConfig } from '../../src/model/encoder.js';
import type { Dataset } from '../data/types.js';
import { buildEvalCases } from '../eval/protocol.js';
import type { Catalog } from '../eval/catalog.js';
import { metricsFromRanks, rankTargets } from './evaluate.js';
import { gatherRows, matMulFast, scatterAddFlat, softmaxCrossEntropy } from './grad-ops.js';
import { buildItemFeatures, featureTensors, itemTower, towerWeightShapes, type ItemFeatures, type ItemFeatureTensors } from './item-tower.js';
import type { TrainingHyperparameters } from './presets.js';
import { mixedSeed, Random } from '../random.js';
import { transitionTables } from './transitions.js';
import { addTransitionPrior, type TransitionPrior } from '../../src/model/scoring-model.js';
import { buildTrainingBatch, indexSequence, trainingWindows, userSequences, type IndexedSequence, type TrainingBatch, type TrainingWindow } from './sequences.js';

/** A trained model as plain arrays: `item_matrix` first, then the encoder weights. */
export interface TrainedModel {
  config: SasrecConfig;
  itemCount: number;
  weights: NamedArray[];
}

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
  /** 'int32': the values are exact integers (transitions/next), exported without rounding. */
  dtype?: 'int32';
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validNdcg10: number;
  seconds: number;
}

export interface FitResult {
  model: TrainedModel;
  epochs: EpochRecord[];
  bestEpoch: number;
  validNdcg10: number;
  /** Median seconds of one optimizer step. */
  stepSecondsMedian: number;
  /** Median seconds of one epoch (steps only, no validation). */
  epochSecondsMedian: number;
  /** CPU seconds this process spent in fit (user + system): the cost, independent of other load. */
  cpuSeconds: number;
  steps: number;
}

/** Held-out cases of a split as catalog indices. */
export interface IndexedCases {
  histories: IndexedSequence[];
  targets: Int32Array;
}

export function indexedCases(config: SasrecConfig, dataset: Dataset, catalog: Catalog, split: 'valid' | 'test'): IndexedCases {
  const cases = buildEvalCases(dataset, split);
  return {
    histories: cases.histories.map((history) => indexSequence(config, catalog, history)),
    targets: Int32Array.from(cases.targets, (id) => catalog.indexOf.get(id)!),
  };
}

function initialValues(name: string, shape: number[], random: Random, initScale: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  if (leaf.endsWith('gamma')) return values.fill(1);
  if (leaf.endsWith('beta') || leaf.endsWith('bias') || leaf === 'repeat_gate') return values;
  // Projection matrices: Glorot normal; embedding tables: N(0, initScale).
  const isMatrix = /^(wq|wk|wv|wo|ff1|ff2)$/.test(leaf);
  const std = isMatrix ? Math.sqrt(2 / (shape[0]! + shape[1]!)) : initScale;
  for (let i = 0; i < size; i++) values[i] = random.normal() * std;
  return values;
}

/**
 * At most `cap` windows per user this epoch (a fresh random choice each epoch; 0 = all), so the
 * few shoppers with thousands of events do not dominate the loss (evaluation weighs every
 * shopper once) and an epoch costs less.
 */
function capWindowsPerUser(windows: readonly TrainingWindow[], cap: number, random: Random): TrainingWindow[] {
  if (cap <= 0) return windows.slice();
  const byUser = new Map<number, TrainingWindow[]>();
  for (const window of windows) {
    const list = byUser.get(window.sequence);
    if (list) list.push(window);
    else byUser.set(window.sequence, [window]);
  }
  const chosen: TrainingWindow[] = [];
  for (const list of byUser.values()) chosen.push(...(list.length <= cap ? list : random.shuffle(list.slice()).slice(0, cap)));
  return chosen;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Trains on dataset.train, early-stops on dataset.valid; returns the best epoch's weights. */
export async function fit(
  dataset: Dataset,
  catalog: Catalog,
  hyper: TrainingHyperparameters,
  seed: number,
  log: (line: string) => void,
): Promise<FitResult> {
  const config = hyper.config;
  const random = new Random(mixedSeed(seed));
  const features = buildItemFeatures(dataset, catalog);
  const sequences = userSequences(config, catalog, dataset.train);
  const windows = trainingWindows(sequences, config.maxLength);
  if (windows.length === 0) throw new Error(`${dataset.dir}: train has no user with two or more events; nothing to learn from`);
  const valid = indexedCases(config, dataset, catalog, 'valid');
  const prior: TransitionPrior | null =
    hyper.trainingPriorMix.length > 0 ? { ...transitionTables(catalog, dataset.train), mix: Float32Array.from(hyper.trainingPriorMix) } : null;

  const shapes = [...towerWeightShapes(features, config.dims), ...encoderWeightShapes(config, features.itemCount)];
  const variables: Record<string, tf.Variable> = {};
  for (const { name, shape } of shapes) {
    variables[name] = tf.variable(tf.tensor(initialValues(name, shape, random, hyper.initScale), shape, 'float32'), true);
  }
  const variableList = shapes.map(({ name }) => variables[name]!);
  const featureConstants = featureTensors(features);
  const optimizer = tf.train.adam(hyper.learningRate);
  const sampler = hyper.negatives > 0 && hyper.negatives < features.itemCount ? new NegativeSampler(sequences, features.itemCount, hyper.negatives) : null;

  const epochs: EpochRecord[] = [];
  const stepSeconds: number[] = [];
  const epochSeconds: number[] = [];
  let best = { ndcg: -1, epoch: 0, values: snapshot(variables) };
  let steps = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  try {
    for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
      const epochStart = performance.now();
      // AdamOptimizer reads its learningRate field at every update; decaying it per epoch settles the
      // high initial rate that makes the first epochs fast.
      (optimizer as unknown as { learningRate: number }).learningRate = hyper.learningRate * Math.pow(hyper.learningRateDecay, epoch - 1);
      const order = random.shuffle(capWindowsPerUser(windows, hyper.maxWindowsPerUser, random));
      let lossSum = 0;
      let lossCount = 0;
      let outOfTime = false;
      for (let first = 0; first < order.length; first += hyper.batchSize) {
        const stepStart = performance.now();
        if (hyper.maxSeconds > 0 && (stepStart - started) / 1000 > hyper.maxSeconds) {
          outOfTime = true;
          break;
        }
        const batchWindows = order.slice(first, first + hyper.batchSize);
        const batch = buildTrainingBatch(config, sequences, batchWindows);
        const positionPrior = prior ? { prior, queries: positionQueries(sequences, batchWindows, prior.mix.length) } : null;
        const dropoutSeed = random.seed();
        const idKeep = hyper.idDropout > 0 ? Float32Array.from({ length: features.itemCount }, () => (random.next() < hyper.idDropout ? 0 : 1)) : null;
        const loss = optimizer.minimize(
          () => {
            const itemMatrix = itemTower(variables, features, featureConstants, TRAINING_TOWER_OPS, idKeep ? tf.tensor2d(idKeep, [features.itemCount, 1]) : undefined);
            const hidden = encodeSequences(config, variables, itemMatrix, batchToTensors(batch.inputs), {
              dropout: hyper.dropout,
              seed: dropoutSeed,
              gather: gatherRows,
              matMul: matMulFast,
            });
            const flat = tf.reshape(hidden, [batch.inputs.batch * batch.inputs.length, config.dims]);
            const users = gatherRows(flat, tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D;
            let total = sampler
              ? sampledSoftmaxLoss(config, variables, users, itemMatrix, batch, sampler.sample(random), sampler, positionPrior)
              : softmaxCrossEntropy(
                  addDensePrior(
                    scoreUsers(config, variables, users, tf.transpose(itemMatrix), batch.repeat, {
                      matMul: matMulFast,
                      gather: gatherRows,
                      scatterAdd: scatterAddFlat,
                    }),
                    positionPrior,
                  ),
                  tf.tensor1d(batch.targets, 'int32'),
                );
            if (hyper.l2 > 0) {
              const penalty = tf.addN(towerWeightShapes(features, config.dims).map(({ name }) => tf.mean(tf.square(variables[name]!))));
              total = tf.add(total, tf.mul(penalty, hyper.l2));
            }
            return total as tf.Scalar;
          },
          true,
          variableList,
        );
        const value = (await loss!.data())[0]!;
        loss!.dispose();
        lossSum += value * batch.targets.length;
        lossCount += batch.targets.length;
        steps++;
        stepSeconds.push((performance.now() - stepStart) / 1000);
      }
      if (lossCount === 0) {
        log(`time budget of ${hyper.maxSeconds}s reached; keeping epoch ${best.epoch}`);
        break;
      }
      epochSeconds.push((performance.now() - epochStart) / 1000);
      const validNdcg10 = await evaluateVariables(config, variables, features, featureConstants, valid, prior);
      const record = { epoch, loss: lossSum / lossCount, validNdcg10, seconds: (performance.now() - started) / 1000 };
      epochs.push(record);
      const improved = validNdcg10 > best.ndcg;
      if (improved) best = { ndcg: validNdcg10, epoch, values: snapshot(variables) };
      log(
        `epoch ${epoch}/${hyper.epochs} ${progressBar(epoch / hyper.epochs)} loss ${record.loss.toFixed(4)}  valid NDCG@10 ${validNdcg10.toFixed(4)}${improved ? ' *' : ''}  ${record.seconds.toFixed(1)}s (cpu ${cpuSecondsSince(cpuStarted).toFixed(0)}s)`,
      );
      if (outOfTime) {
        log(`time budget of ${hyper.maxSeconds}s reached during epoch ${epoch}; keeping epoch ${best.epoch}`);
        break;
      }
      if (epoch - best.epoch >= hyper.patience) {
        log(`early stop: no better valid NDCG@10 for ${hyper.patience} epochs; keeping epoch ${best.epoch}`);
        break;
      }
    }
    restore(variables, best.values);
    const itemMatrix = tf.tidy(() => itemTower(variables, features, featureConstants, INFERENCE_TOWER_OPS));
    const weights: NamedArray[] = [
      { name: 'item_matrix', shape: [features.itemCount, config.dims], values: (await itemMatrix.data()) as Float32Array },
    ];
    itemMatrix.dispose();
    for (const { name, shape } of encoderWeightShapes(config, features.itemCount)) weights.push({ name, shape, values: best.values[name]! });
    return {
      model: { config, itemCount: features.itemCount, weights },
      epochs,
      bestEpoch: best.epoch,
      validNdcg10: best.ndcg,
      stepSecondsMedian: median(stepSeconds),
      epochSecondsMedian: median(epochSeconds),
      cpuSeconds: cpuSecondsSince(cpuStarted),
      steps,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([...variableList, ...Object.values(featureConstants)]);
  }
}

const TRAINING_TOWER_OPS = { gather: gatherRows };
const INFERENCE_TOWER_OPS = { gather: (table: tf.Tensor, indices: tf.Tensor) => tf.gather(table, indices) };

/**
 * Shared negatives for sampled softmax: `count` items drawn (with replacement) from
 * popularity^0.75 each step; logits are corrected by −log(count · q) so the loss approximates the
 * full softmax (Jean et al. 2015; Yi et al. 2019).
 */
class NegativeSampler {
  private readonly cumulative: Float64Array;
  /** log(count · q_i) of every item. */
  readonly logQ: Float32Array;

  constructor(
    sequences: readonly IndexedSequence[],
    itemCount: number,
    readonly count: number,
  ) {
    const weights = new Float64Array(itemCount).fill(1);
    for (const sequence of sequences) for (const item of sequence.items) weights[item]!++;
    let total = 0;
    for (let i = 0; i < itemCount; i++) total += weights[i] = Math.pow(weights[i]!, 0.75);
    this.cumulative = new Float64Array(itemCount);
    this.logQ = new Float32Array(itemCount);
    let running = 0;
    for (let i = 0; i < itemCount; i++) {
      running += weights[i]! / total;
      this.cumulative[i] = running;
      this.logQ[i] = Math.log((count * weights[i]!) / total);
    }
  }

  sample(random: Random): Int32Array {
    const out = new Int32Array(this.count);
    const last = this.cumulative.length - 1;
    for (let s = 0; s < this.count; s++) {
      const u = random.next() * this.cumulative[last]!;
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.cumulative[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      out[s] = lo;
    }
    return out;
  }
}

/**
 * Sampled softmax over [target, shared negatives], with logQ correction, the repeat bias on
 * every candidate that is in the position's prefix, and accidental hits (negative = target) masked.
 */
function sampledSoftmaxLoss(
  config: SasrecConfig,
  weights: Record<string, tf.Tensor>,
  users: tf.Tensor2D,
  itemMatrix: tf.Tensor2D,
  batch: TrainingBatch,
  sample: Int32Array,
  sampler: { logQ: Float32Array },
  prior: PositionPrior | null,
): tf.Scalar {
  const rows = batch.targets.length;
  const count = sample.length;
  const columnsOf = new Map<number, number[]>();
  sample.forEach((item, column) => {
    const list = columnsOf.get(item);
    if (list) list.push(column);
    else columnsOf.set(item, [column]);
  });
  const negativeRows = gatherRows(itemMatrix, tf.tensor1d(sample, 'int32')) as tf.Tensor2D;
  let negatives: tf.Tensor = matMulFast(users, tf.transpose(negativeRows));
  const targetRows = gatherRows(itemMatrix, tf.tensor1d(batch.targets, 'int32'));
  let positives: tf.Tensor = tf.sum(tf.mul(users, targetRows), 1);

  if (batch.repeat.rows.length > 0 && config.repeatBuckets.length > 0) {
    const values = repeatBiasValues(config, weights, users, batch.repeat, { matMul: matMulFast, gather: gatherRows });
    const positiveEntries: number[] = [];
    const positiveRows: number[] = [];
    const negativeEntries: number[] = [];
    const negativeFlat: number[] = [];
    for (let e = 0; e < batch.repeat.rows.length; e++) {
      const row = batch.repeat.rows[e]!;
      const item = batch.repeat.items[e]!;
      if (item === batch.targets[row]) {
        positiveEntries.push(e);
        positiveRows.push(row);
      }
      for (const column of columnsOf.get(item) ?? []) {
        negativeEntries.push(e);
        negativeFlat.push(row * count + column);
      }
    }
    if (positiveEntries.length > 0) {
      positives = scatterAddFlat(positives, tf.tensor1d(positiveRows, 'int32'), gatherRows(values, tf.tensor1d(positiveEntries, 'int32')));
    }
    if (negativeEntries.length > 0) {
      negatives = scatterAddFlat(negatives, tf.tensor1d(negativeFlat, 'int32'), gatherRows(values, tf.tensor1d(negativeEntries, 'int32')));
    }
  }

  const positiveCorrection = Float32Array.from(batch.targets, (t) => sampler.logQ[t]!);
  const negativeCorrection = Float32Array.from(sample, (s) => sampler.logQ[s]!);
  const hits = new Float32Array(rows * count);
  batch.targets.forEach((target, row) => {
    for (const column of columnsOf.get(target) ?? []) hits[row * count + column] = -1e9;
  });
  if (prior) {
    // The prior is a constant offset of the logits: the encoder learns the residual.
    const { topK, next, logit, mix } = prior.prior;
    const recency = mix.length;
    for (let row = 0; row < rows; row++) {
      for (let r = 0; r < recency; r++) {
        const query = prior.queries[row * recency + r]!;
        if (query < 0) continue;
        for (let k = query * topK, end = k + topK; k < end; k++) {
          const item = next[k]!;
          if (item < 0) break;
          const value = mix[r]! * logit[k]!;
          if (item === batch.targets[row]) positiveCorrection[row] -= value;
          for (const column of columnsOf.get(item) ?? []) hits[row * count + column] += value;
        }
      }
    }
  }
  const logits = tf.concat(
    [
      tf.reshape(tf.sub(positives, tf.tensor1d(positiveCorrection)), [rows, 1]),
      tf.add(tf.sub(negatives, tf.tensor2d(negativeCorrection, [1, count])), tf.tensor2d(hits, [rows, count])),
    ],
    1,
  ) as tf.Tensor2D;
  return softmaxCrossEntropy(logits, tf.zeros([rows], 'int32') as tf.Tensor1D);
}

/** The transition prior and, per training position, its last `mix.length` items (−1 = none). */
interface PositionPrior {
  prior: TransitionPrior;
  queries: Int32Array;
}

/** [positions × recency] query items, positions in buildTrainingBatch's order (window by window). */
function positionQueries(sequences: readonly IndexedSequence[], windows: readonly TrainingWindow[], recency: number): Int32Array {
  const out: number[] = [];
  for (const window of windows) {
    const items = sequences[window.sequence]!.items;
    for (let at = window.start; at < window.end; at++) {
      for (let r = 0; r < recency; r++) out.push(at - r >= 0 ? items[at - r]! : -1);
    }
  }
  return Int32Array.from(out);
}

/** Full-softmax logits [positions, N] + the prior of each position (a constant offset). */
function addDensePrior(logits: tf.Tensor2D, prior: PositionPrior | null): tf.Tensor2D {
  if (!prior) return logits;
  const [rows, items] = logits.shape;
  const recency = prior.prior.mix.length;
  const offsets = new Float32Array(rows * items);
  for (let row = 0; row < rows; row++) {
    addTransitionPrior(prior.prior, prior.queries.subarray(row * recency, (row + 1) * recency).slice().reverse(), offsets, row * items);
  }
  return tf.add(logits, tf.tensor2d(offsets, [rows, items]));
}

function snapshot(variables: Record<string, tf.Variable>): Record<string, Float32Array> {
  const copy: Record<string, Float32Array> = {};
  for (const [name, variable] of Object.entries(variables)) copy[name] = (variable.dataSync() as Float32Array).slice();
  return copy;
}

function restore(variables: Record<string, tf.Variable>, values: Record<string, Float32Array>): void {
  for (const [name, variable] of Object.entries(variables)) {
    const t = tf.tensor(values[name]!, variable.shape, 'float32');
    variable.assign(t);
    t.dispose();
  }
}

async function evaluateVariables(
  config: SasrecConfig,
  variables: Record<string, tf.Variable>,
  features: ItemFeatures,
  constants: ItemFeatureTensors,
  cases: IndexedCases,
  prior: TransitionPrior | null,
): Promise<number> {
  const itemMatrix = tf.tidy(() => itemTower(variables, features, constants, INFERENCE_TOWER_OPS));
  try {
    const ranks = await rankTargets(config, variables, itemMatrix, cases.histories, cases.targets, prior);
    return metricsFromRanks(ranks).ndcg10;
  } finally {
    itemMatrix.dispose();
  }
}
