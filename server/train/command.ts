/**
 * `npm run -s reco -- train --data <dataset-dir> --out <model-dir> [--seed N] [--preset small]
 *  [--quantization uint8] [--variants]`: load → train → evaluate (model vs popularity on test,
 * through the exported, quantized weights) → export the model directory.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CliArgs } from '../cli-args.js';
import { loadDataset } from '../data/load.js';
import type { Dataset } from '../data/types.js';
import { buildCatalog, countItems, popularityOrder, type Catalog } from '../eval/catalog.js';
import { trainingEventsFor } from '../eval/protocol.js';
import { catalogJson, exportModel, fallbackJson, modelFiles, type ModelDirectory } from '../../model-export/export.js';
import { QUANTIZATIONS, type Quantization } from '../../model-export/quantize.js';
import { decodeModelWeights, type DecodedWeights } from '../../src/model/scoring-model.js';
import { initTrainingBackend } from './backend.js';
import { metricsFromRanks, popularityRanks, rankTargets } from './evaluate.js';
import { presetHyperparameters, type Preset, type TrainingHyperparameters } from './presets.js';
import { fit, indexedCases, type IndexedCases, type TrainedModel } from './trainer.js';
import { transitionTables, transitionWeights, tuneTransitionMix, type MixTuning } from './transitions.js';

export interface TrainOptions {
  dataDir: string;
  outDir: string;
  seed: number;
  /** 'small': tiny dims/epochs for tests and the demo (seconds, not minutes). */
  preset: 'full' | 'small';
  quantization: 'uint8' | 'float16' | 'float32';
  log: (line: string) => void;
  /** Also write variants.json and variants/<quantization>/ model dirs (the quantization report). */
  variants?: boolean;
  /** Experiments only: replaces preset fields (the defaults are the tuned ones). */
  hyperparameters?: Partial<TrainingHyperparameters>;
  /**
   * Ship the transition prior (docs/model.md). Off by default: on Online Retail it added +0.003
   * test NDCG@10 (within seed noise) but more than doubled the uint8 download (0.29 → 0.64 MB).
   */
  transitionPrior?: boolean;
}

export interface TrainResult {
  manifestPath: string;
  metrics: Record<string, number>;
  seconds: number;
}

function decodeExported(model: TrainedModel, quantization: Quantization): { decoded: DecodedWeights; weightsBytes: number } {
  const files = modelFiles(model.config, model.weights, quantization);
  const bytes = files.weights;
  const decoded = decodeModelWeights(files.modelJson, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return { decoded, weightsBytes: bytes.length };
}

/** Test-split figures of one exported (quantized) model, measured through decodeModelWeights. */
async function evaluateExported(model: TrainedModel, quantization: Quantization, test: IndexedCases): Promise<{ ranks: Int32Array; weightsBytes: number }> {
  const { decoded, weightsBytes } = decodeExported(model, quantization);
  try {
    const ranks = await rankTargets(decoded.config, decoded.weights, decoded.itemMatrix, test.histories, test.targets, decoded.transitions);
    return { ranks, weightsBytes };
  } finally {
    tf.dispose([decoded.itemMatrix, ...Object.values(decoded.weights)]);
  }
}

/**
 * Adds the transition prior (train transitions; mix tuned on valid through the exported
 * `quantization` encoder weights) to the model's weights.
 */
export async function addTransitionPriorWeights(
  model: TrainedModel,
  quantization: Quantization,
  dataset: Dataset,
  catalog: Catalog,
  valid: IndexedCases,
): Promise<MixTuning> {
  const tables = transitionTables(catalog, dataset.train);
  const { decoded } = decodeExported(model, quantization);
  try {
    const tuning = await tuneTransitionMix(decoded.config, decoded.weights, decoded.itemMatrix, valid, tables);
    model.weights.push(...transitionWeights({ ...tables, mix: tuning.mix }));
    return tuning;
  } finally {
    tf.dispose([decoded.itemMatrix, ...Object.values(decoded.weights)]);
  }
}

function coldStartMask(dataset: Dataset, catalog: Catalog, targets: Int32Array): boolean[] {
  const trained = new Set(dataset.train.map((event) => catalog.indexOf.get(event.itemId)!));
  return Array.from(targets, (t) => !trained.has(t));
}

function format(value: number): string {
  return value.toFixed(4);
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const log = options.log;
  const backend = await initTrainingBackend();
  const dataset = await loadDataset(options.dataDir);
  const catalog = buildCatalog(dataset);
  const hyper: TrainingHyperparameters = { ...presetHyperparameters(options.preset as Preset), ...options.hyperparameters };
  log(
    `training ${options.preset} model on ${dataset.dir}: ${catalog.ids.length} items, ${dataset.train.length} train events, ` +
      `backend ${backend}, seed ${options.seed}`,
  );
  const result = await fit(dataset, catalog, hyper, options.seed, log);
  // An encoder trained against the prior (trainingPriorMix) learned a residual: it ships with it.
  const tuning = options.transitionPrior || hyper.trainingPriorMix.length > 0
    ? await addTransitionPriorWeights(result.model, options.quantization, dataset, catalog, indexedCases(hyper.config, dataset, catalog, 'valid'))
    : null;
  if (tuning) {
    log(
      `transition prior: mix [${Array.from(tuning.mix, (m) => m.toFixed(3)).join(', ')}] tuned on valid (${tuning.users} users, ${tuning.trials} trials): ` +
        `NDCG@10 ${format(tuning.baseNdcg10)} → ${format(tuning.ndcg10)}`,
    );
  }
  const trainSeconds = (performance.now() - started) / 1000;

  const test = indexedCases(hyper.config, dataset, catalog, 'test');
  const popularity = metricsFromRanks(
    popularityRanks(popularityOrder(catalog, countItems(catalog, trainingEventsFor(dataset, 'test'))).order, test.targets),
  );
  const cold = coldStartMask(dataset, catalog, test.targets);
  const quantizations = options.variants ? QUANTIZATIONS : [options.quantization];
  const measured = new Map<Quantization, { hr10: number; ndcg10: number; coldNdcg10: number; weightsBytes: number }>();
  for (const q of quantizations) {
    const { ranks, weightsBytes } = await evaluateExported(result.model, q, test);
    const all = metricsFromRanks(ranks);
    const coldMetrics = metricsFromRanks(ranks.filter((_, i) => cold[i]));
    measured.set(q, { hr10: all.hr10, ndcg10: all.ndcg10, coldNdcg10: coldMetrics.ndcg10, weightsBytes });
  }
  const chosen = measured.get(options.quantization)!;
  const coldUsers = cold.filter(Boolean).length;
  const metrics: Record<string, number> = {
    'test.hr@10': chosen.hr10,
    'test.ndcg@10': chosen.ndcg10,
    'valid.ndcg@10': result.validNdcg10,
    ...(tuning ? { 'valid.prior.ndcg@10': tuning.ndcg10 } : {}),
    'popularity.test.hr@10': popularity.hr10,
    'popularity.test.ndcg@10': popularity.ndcg10,
    'test.users': test.targets.length,
    'test.cold.users': coldUsers,
    'test.cold.ndcg@10': chosen.coldNdcg10,
    'train.seconds': Math.round(trainSeconds * 10) / 10,
    'train.epochs': result.epochs.length,
    'train.best_epoch': result.bestEpoch,
    'train.step_seconds_median': Math.round(result.stepSecondsMedian * 1000) / 1000,
  };
  log(`test (${test.targets.length} users, full ranking over ${catalog.ids.length} items, ${options.quantization} weights):`);
  log(`  model       HR@10 ${format(chosen.hr10)}  NDCG@10 ${format(chosen.ndcg10)}`);
  log(`  popularity  HR@10 ${format(popularity.hr10)}  NDCG@10 ${format(popularity.ndcg10)}`);
  if (coldUsers > 0) log(`  cold-start targets (unseen in train): ${coldUsers} users, model NDCG@10 ${format(chosen.coldNdcg10)}`);

  const shared = { catalog: catalogJson(dataset, catalog), fallback: fallbackJson(catalog, trainingEventsFor(dataset, 'test')), createdAt: new Date() };
  const trainingJson = JSON.stringify(
    {
      preset: options.preset,
      seed: options.seed,
      backend,
      bestEpoch: result.bestEpoch,
      stepSecondsMedian: result.stepSecondsMedian,
      epochSecondsMedian: result.epochSecondsMedian,
      cpuSeconds: result.cpuSeconds,
      steps: result.steps,
      epochs: result.epochs,
      transitionPrior: tuning
        ? { mix: Array.from(tuning.mix), validNdcg10: tuning.ndcg10, validNdcg10WithoutPrior: tuning.baseNdcg10, tuningUsers: tuning.users, trials: tuning.trials }
        : null,
    },
    null,
    2,
  );
  const directory = (q: Quantization, extra: Record<string, string> = {}): ModelDirectory => ({
    config: result.model.config,
    weights: result.model.weights,
    quantization: q,
    metrics: { ...metrics, 'test.hr@10': measured.get(q)!.hr10, 'test.ndcg@10': measured.get(q)!.ndcg10, 'test.cold.ndcg@10': measured.get(q)!.coldNdcg10 },
    extraFiles: { 'training.json': trainingJson, ...extra },
    ...shared,
  });
  const top = directory(options.quantization);
  if (options.variants) {
    const report = QUANTIZATIONS.map((q) => ({ quantization: q, dir: `variants/${q}`, weightsBytes: measured.get(q)!.weightsBytes, 'test.ndcg@10': measured.get(q)!.ndcg10, 'test.hr@10': measured.get(q)!.hr10 }));
    top.extraFiles = { ...top.extraFiles, 'variants.json': JSON.stringify({ variants: report }, null, 2) };
    top.subdirectories = Object.fromEntries(QUANTIZATIONS.map((q) => [`variants/${q}`, directory(q)]));
    for (const row of report) log(`  ${row.quantization.padEnd(8)} weights.bin ${row.weightsBytes} bytes  NDCG@10 ${format(row['test.ndcg@10'])}`);
  }
  const { manifestPath } = await exportModel(options.outDir, top);
  const seconds = (performance.now() - started) / 1000;
  log(`wrote ${manifestPath} (${seconds.toFixed(1)}s in all)`);
  return { manifestPath, metrics, seconds };
}

export async function trainCommand(args: CliArgs): Promise<void> {
  args.allowOnly(['data', 'out', 'seed', 'preset', 'quantization', 'variants', 'transition-prior']);
  await train({
    dataDir: args.string('data', 'dataset directory'),
    outDir: args.string('out', 'model directory'),
    seed: args.number('seed', 42, { integer: true, min: 0 }),
    preset: args.choice('preset', ['full', 'small'] as const, 'full'),
    quantization: args.choice('quantization', QUANTIZATIONS, 'uint8'),
    variants: args.flag('variants'),
    transitionPrior: args.flag('transition-prior'),
    log: (line) => console.log(line),
  });
}
