/**
 * Training presets. `full` is the default for real data (sized to train Online Retail in under
 * 10 minutes on 2 CPU cores); `small` trains in seconds, for tests and the demo pipeline.
 */
import { defaultEncoderConfig, type SasrecConfig } from '../../src/model/encoder.js';

export interface TrainingHyperparameters {
  config: SasrecConfig;
  /** Upper bound on epochs; early stopping usually ends sooner. */
  epochs: number;
  /** Windows (sequences of up to maxLength events) per step. */
  batchSize: number;
  learningRate: number;
  /** Learning rate of epoch e = learningRate · learningRateDecay^(e−1). */
  learningRateDecay: number;
  dropout: number;
  /** L2 penalty on the item tower's tables (per step, on the mean squared entry). */
  l2: number;
  /** Probability of dropping an item's id row in a step (trains the content part for cold start). */
  idDropout: number;
  /** Shared negatives per step for sampled softmax; 0 (or ≥ the catalog size) = full softmax. */
  negatives: number;
  /** Windows per user and epoch, chosen at random each epoch (0 = every window). */
  maxWindowsPerUser: number;
  /** Epochs without a better valid NDCG@10 before stopping. */
  patience: number;
  /** Standard deviation of the initial embeddings. */
  initScale: number;
  /**
   * Wall-clock budget of the training loop in seconds (0 = none). When reached, the current epoch
   * ends early and the best epoch so far is kept: on a busy machine the model is then less trained
   * (and no longer bit-reproducible), but training stays within its time limit.
   */
  maxSeconds: number;
  /**
   * Transition-prior mix applied during training ([] = off): the prior (server/train/transitions.ts)
   * is added to every training logit with these weights, so the encoder learns the residual.
   * The exported mix is re-tuned on valid afterwards either way.
   */
  trainingPriorMix: number[];
}

export type Preset = 'full' | 'small';

/**
 * Tuned on Online Retail's valid split (docs/model.md): short attention window, long repeat
 * window, small batches with a high learning rate (more updates per CPU-second), sampled softmax.
 */
const FULL: TrainingHyperparameters = {
  config: defaultEncoderConfig({ maxLength: 32, dims: 64, heads: 1, layers: 1, ffDims: 128, repeatWindow: 256 }),
  epochs: 8,
  batchSize: 32,
  learningRate: 0.01,
  learningRateDecay: 1,
  dropout: 0.1,
  l2: 0,
  idDropout: 0,
  patience: 2,
  initScale: 0.05,
  negatives: 1024,
  maxWindowsPerUser: 0,
  maxSeconds: 480,
  trainingPriorMix: [],
};

/** Tests and the demo: a narrow model, full softmax, a few epochs, no time budget (seconds). */
const SMALL: TrainingHyperparameters = {
  ...FULL,
  config: defaultEncoderConfig({ maxLength: 20, dims: 32, heads: 1, layers: 1, ffDims: 32 }),
  epochs: 4,
  batchSize: 64,
  learningRate: 0.005,
  negatives: 0,
  maxSeconds: 0,
};

export function presetHyperparameters(preset: Preset): TrainingHyperparameters {
  const chosen = preset === 'small' ? SMALL : FULL;
  return { ...chosen, config: { ...chosen.config }, trainingPriorMix: [...chosen.trainingPriorMix] };
}
