import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFiles } from '../../model-export/export.js';
import { defaultEncoderConfig, encoderWeightShapes } from '../../src/model/encoder.js';
import { decodeModelWeights } from '../../src/model/scoring-model.js';
import type { Interaction } from '../data/types.js';
import type { Catalog } from '../eval/catalog.js';
import { transitionTables, transitionWeights, tuneTransitionMix } from './transitions.js';
import type { IndexedCases } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function catalogOf(count: number): Catalog {
  const ids = Array.from({ length: count }, (_, i) => `i${i}`);
  return { ids, indexOf: new Map(ids.map((id, i) => [id, i])) };
}

const event = (userId: string, item: number, timestamp: number): Interaction => ({ userId, itemId: `i${item}`, timestamp, event: 'purchase' });

describe('transitionTables', () => {
  it('counts consecutive events per user, keeps the top K by count (ties → lower index), pads with −1', () => {
    // u1: 0 → 2 → 1 → 3; u2 (interleaved): 0 → 1 → 0 → 2; u3: 0 → 3.
    const events = [event('u1', 0, 1), event('u2', 0, 1), event('u1', 2, 2), event('u2', 1, 2), event('u1', 1, 3), event('u2', 0, 3), event('u1', 3, 4), event('u2', 2, 4), event('u3', 0, 5), event('u3', 3, 6)];
    const prior = transitionTables(catalogOf(5), events, 2, 3);
    // From 0: 2 twice, 1 once, 3 once → [2, 1] (1 beats 3 on index).
    expect(Array.from(prior.next.subarray(0, 2))).toEqual([2, 1]);
    expect(prior.logit[0]).toBeCloseTo(Math.log(3));
    expect(prior.logit[1]).toBeCloseTo(Math.log(2));
    expect(Array.from(prior.next.subarray(2, 4))).toEqual([0, 3]); // from 1: 0 and 3 once each
    expect(Array.from(prior.next.subarray(8, 10))).toEqual([-1, -1]); // 4 never seen
    expect(prior.logit[8]).toBe(0);
    expect(Array.from(prior.mix)).toEqual([0, 0, 0]);
    const exported = transitionWeights(prior);
    expect(exported.map((w) => [w.name, w.shape])).toEqual([
      ['transitions/next', [5, 2]],
      ['transitions/logit', [5, 2]],
      ['transitions/mix', [3]],
    ]);
    expect(exported[0]!.dtype).toBe('int32');
  });
});

describe('tuneTransitionMix', () => {
  it('turns the prior on when valid targets follow the train transitions, measured on valid', async () => {
    const items = 20;
    const config = defaultEncoderConfig({ maxLength: 6, dims: 8, heads: 1, layers: 1, ffDims: 8 });
    let state = 11;
    const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.4;
    const shapes = [{ name: 'item_matrix', shape: [items, config.dims] }, ...encoderWeightShapes(config, items)];
    const weights = shapes.map(({ name, shape }) => ({ name, shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (name.endsWith('gamma') ? 1 : next())) }));
    const { modelJson, weights: bytes } = modelFiles(config, weights, 'float32');
    const decoded = decodeModelWeights(modelJson, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    // Train: everyone walks i → i+3 (mod 20); valid: the next step of that walk.
    const train: Interaction[] = [];
    const valid: IndexedCases = { histories: [], targets: new Int32Array(40) };
    for (let u = 0; u < 40; u++) {
      const walk = Array.from({ length: 5 }, (_, e) => (u + 3 * e) % items);
      walk.forEach((item, e) => train.push(event(`u${u}`, item, e)));
      valid.histories.push({ items: Int32Array.from(walk), eventTypes: new Int32Array(5).fill(3), timestamps: Float64Array.from(walk, (_, e) => e) });
      valid.targets[u] = (walk[4]! + 3) % items;
    }
    const tables = transitionTables(catalogOf(items), train, 4, 2);
    const before = tf.memory().numTensors;
    const tuning = await tuneTransitionMix(config, decoded.weights, decoded.itemMatrix, valid, tables);
    expect(tf.memory().numTensors).toBe(before);
    expect(tuning.mix[0]).toBeGreaterThan(0);
    expect(tuning.ndcg10).toBeGreaterThan(tuning.baseNdcg10);
    expect(tuning.ndcg10).toBeGreaterThan(0.9);
    expect(tuning.users).toBe(40);
    const again = await tuneTransitionMix(config, decoded.weights, decoded.itemMatrix, valid, tables);
    expect(Array.from(again.mix)).toEqual(Array.from(tuning.mix));
    tf.dispose([decoded.itemMatrix, ...Object.values(decoded.weights)]);
  });
});
