/**
 * The training loop: full-softmax next-item prediction at every position of every training
 * window (all catalog items are negatives), Adam, dropout, early stopping on valid NDCG@10.
 * Seeded: the same data + seed + hyper-parameters give bit-identical weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors, encodeSequences, encoderWeightShapes, scoreUsers, type SasrecConfig } from '../../src/model/encoder.js';
import type { Dataset } from '../data/types.js';
import { buildEvalCases } from '../eval/protocol.js';
import type { Catalog } from '../eval/catalog.js';
import { metricsFromRanks, rankTargets } from './evaluate.js';
import { gatherRows, matMulFast, scatterAddFlat, softmaxCrossEntropy } from './grad-ops.js';
import { buildItemFeatures, featureTensors, itemTower, towerWeightShapes, type ItemFeatures, type ItemFeatureTensors } from './item-tower.js';
import type { TrainingHyperparameters } from './presets.js';
import { Random } from './random.js';
import { buildTrainingBatch, indexSequence, trainingWindows, userSequences, type IndexedSequence } from './sequences.js';

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
  const random = new Random(seed);
  const features = buildItemFeatures(dataset, catalog);
  const sequences = userSequences(config, catalog, dataset.train);
  const windows = trainingWindows(sequences, config.maxLength);
  if (windows.length === 0) throw new Error(`${dataset.dir}: train has no user with two or more events; nothing to learn from`);
  const valid = indexedCases(config, dataset, catalog, 'valid');

  const shapes = [...towerWeightShapes(features, config.dims), ...encoderWeightShapes(config)];
  const variables: Record<string, tf.Variable> = {};
  for (const { name, shape } of shapes) {
    variables[name] = tf.variable(tf.tensor(initialValues(name, shape, random, hyper.initScale), shape, 'float32'), true);
  }
  const variableList = shapes.map(({ name }) => variables[name]!);
  const featureConstants = featureTensors(features);
  const optimizer = tf.train.adam(hyper.learningRate);

  const epochs: EpochRecord[] = [];
  const stepSeconds: number[] = [];
  const epochSeconds: number[] = [];
  let best = { ndcg: -1, epoch: 0, values: snapshot(variables) };
  let steps = 0;
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
      const epochStart = performance.now();
      const order = random.shuffle(windows.slice());
      let lossSum = 0;
      let lossCount = 0;
      for (let first = 0; first < order.length; first += hyper.batchSize) {
        const stepStart = performance.now();
        const batch = buildTrainingBatch(config, sequences, order.slice(first, first + hyper.batchSize));
        const dropoutSeed = random.int();
        const idKeep = hyper.idDropout > 0 ? Float32Array.from({ length: features.itemCount }, () => (random.next() < hyper.idDropout ? 0 : 1)) : null;
        const loss = optimizer.minimize(
          () => {
            const itemMatrix = itemTower(variables, features, featureConstants, gatherRows, idKeep ? tf.tensor2d(idKeep, [features.itemCount, 1]) : undefined);
            const hidden = encodeSequences(config, variables, itemMatrix, batchToTensors(batch.inputs), {
              dropout: hyper.dropout,
              seed: dropoutSeed,
              gather: gatherRows,
              matMul: matMulFast,
            });
            const flat = tf.reshape(hidden, [batch.inputs.batch * batch.inputs.length, config.dims]);
            const users = gatherRows(flat, tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D;
            const logits = scoreUsers(config, variables, users, tf.transpose(itemMatrix), batch.repeat, {
              matMul: matMulFast,
              gather: gatherRows,
              scatterAdd: scatterAddFlat,
            });
            let total = softmaxCrossEntropy(logits, tf.tensor1d(batch.targets, 'int32'));
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
      epochSeconds.push((performance.now() - epochStart) / 1000);
      const validNdcg10 = await evaluateVariables(config, variables, features, featureConstants, valid);
      const record = { epoch, loss: lossSum / lossCount, validNdcg10, seconds: (performance.now() - started) / 1000 };
      epochs.push(record);
      const improved = validNdcg10 > best.ndcg;
      if (improved) best = { ndcg: validNdcg10, epoch, values: snapshot(variables) };
      log(
        `epoch ${epoch}/${hyper.epochs} ${progressBar(epoch / hyper.epochs)} loss ${record.loss.toFixed(4)}  valid NDCG@10 ${validNdcg10.toFixed(4)}${improved ? ' *' : ''}  ${record.seconds.toFixed(1)}s`,
      );
      if (epoch - best.epoch >= hyper.patience) {
        log(`early stop: no better valid NDCG@10 for ${hyper.patience} epochs; keeping epoch ${best.epoch}`);
        break;
      }
    }
    restore(variables, best.values);
    const itemMatrix = tf.tidy(() => itemTower(variables, features, featureConstants, (t, i) => tf.gather(t, i)));
    const weights: NamedArray[] = [
      { name: 'item_matrix', shape: [features.itemCount, config.dims], values: (await itemMatrix.data()) as Float32Array },
    ];
    itemMatrix.dispose();
    for (const { name, shape } of encoderWeightShapes(config)) weights.push({ name, shape, values: best.values[name]! });
    return {
      model: { config, itemCount: features.itemCount, weights },
      epochs,
      bestEpoch: best.epoch,
      validNdcg10: best.ndcg,
      stepSecondsMedian: median(stepSeconds),
      epochSecondsMedian: median(epochSeconds),
      steps,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([...variableList, ...Object.values(featureConstants)]);
  }
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
): Promise<number> {
  const itemMatrix = tf.tidy(() => itemTower(variables, features, constants, (t, i) => tf.gather(t, i)));
  try {
    const ranks = await rankTargets(config, variables, itemMatrix, cases.histories, cases.targets);
    return metricsFromRanks(ranks).ndcg10;
  } finally {
    itemMatrix.dispose();
  }
}
