import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appendRepeatEntries,
  asSasrecConfig,
  batchToTensors,
  defaultEncoderConfig,
  emptySequenceBatch,
  encodeSequences,
  encoderWeightShapes,
  historiesToBatch,
  indexHistory,
  repeatBucket,
  timeGapBucket,
  writeSequence,
} from './encoder.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buckets', () => {
  it('puts a gap in the first bucket whose bound holds it; the first event in the last bucket', () => {
    const bounds = [0, 60, 3600];
    expect(timeGapBucket(bounds, 0)).toBe(0);
    expect(timeGapBucket(bounds, 1)).toBe(1);
    expect(timeGapBucket(bounds, 60)).toBe(1);
    expect(timeGapBucket(bounds, 61)).toBe(2);
    expect(timeGapBucket(bounds, 1e9)).toBe(3);
    expect(timeGapBucket(bounds, null)).toBe(3);
    expect(repeatBucket([1, 2, 5], 1)).toBe(0);
    expect(repeatBucket([1, 2, 5], 4)).toBe(2);
    expect(repeatBucket([1, 2, 5], 6)).toBe(3);
  });
});

describe('sequences', () => {
  const config = defaultEncoderConfig({ maxLength: 4, timeGapBucketsSeconds: [0, 60] });

  it('left-pads, keeps the latest events, and takes gaps from the event before even when it is cut', () => {
    const batch = emptySequenceBatch(2, 4);
    writeSequence(config, batch, 0, [5, 6], [0, 2], [100, 100], 0, 2);
    writeSequence(config, batch, 1, [1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 1], [0, 10, 20, 30, 100, 100], 0, 6);
    expect(Array.from(batch.items)).toEqual([0, 0, 5, 6, 3, 4, 5, 6]);
    expect(Array.from(batch.mask)).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.eventTypes)).toEqual([0, 0, 0, 2, 0, 0, 0, 1]);
    expect(Array.from(batch.timeGaps)).toEqual([0, 0, 2, 0, 1, 1, 2, 0]);
  });

  it('indexes browser histories: skips item-less events and unknown items, ms → s', () => {
    const h = indexHistory(
      config,
      [
        { itemIndex: 1, type: 'view', timestamp: 5000 },
        { itemIndex: null, type: 'search', timestamp: 6000, query: 'x' },
        { itemIndex: 99, type: 'view', timestamp: 7000 },
        { itemIndex: 2, type: 'purchase', timestamp: 9000 },
      ],
      10,
    );
    expect(h).toEqual({ items: [1, 2], eventTypes: [0, config.eventTypes.indexOf('purchase')], timestampsSeconds: [5, 9] });
    expect(Array.from(historiesToBatch(config, [h]).items)).toEqual([0, 0, 1, 2]);
  });

  it('repeat entries: distinct items, latest occurrence, within the repeat window', () => {
    const c = { ...config, repeatBuckets: [1, 2, 4], repeatWindow: 5 };
    const out = { rows: [] as number[], items: [] as number[], buckets: [] as number[] };
    appendRepeatEntries(c, [9, 7, 3, 7, 8, 3], 5, 4, out, new Set());
    // Window = the last 5 events [7, 3, 7, 8, 3]: 3 (recency 1), 8 (2), 7 (3); 9 is outside.
    expect(out).toEqual({ rows: [4, 4, 4], items: [3, 8, 7], buckets: [0, 1, 2] });
  });

  it('validates stored configs with errors naming the field', () => {
    expect(() => asSasrecConfig({ ...config, heads: 3 })).toThrow(/dims \(64\) must be a multiple of heads/);
    expect(() => asSasrecConfig({ ...config, repeatWindow: -1 })).toThrow(/repeatWindow/);
    expect(asSasrecConfig({ ...config, repeatWindow: undefined }).repeatWindow).toBe(4);
  });
});

describe('encodeSequences', () => {
  it('is causal: a position never sees later events', () => {
    const config = defaultEncoderConfig({ maxLength: 6, dims: 8, heads: 2, layers: 2, ffDims: 8 });
    const weights: Record<string, tf.Tensor> = {};
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.8;
    for (const { name, shape } of encoderWeightShapes(config, 10)) {
      const size = shape.reduce((a, b) => a * b, 1);
      weights[name] = tf.tensor(Float32Array.from({ length: size }, () => (name.endsWith('gamma') ? 1 : rand())), shape);
    }
    const itemMatrix = tf.tensor2d(Float32Array.from({ length: 10 * 8 }, rand), [10, 8]);
    const run = (items: number[]): Float32Array => {
      const batch = emptySequenceBatch(1, 6);
      writeSequence(config, batch, 0, items, items.map(() => 0), items.map((_, i) => i * 100), 0, items.length);
      return tf.tidy(() => encodeSequences(config, weights, itemMatrix, batchToTensors(batch))).dataSync() as Float32Array;
    };
    const a = run([1, 2, 3, 4, 5, 6]);
    const b = run([1, 2, 3, 4, 5, 9]);
    expect(Array.from(a.slice(0, 5 * 8))).toEqual(Array.from(b.slice(0, 5 * 8)));
    expect(Array.from(a.slice(5 * 8))).not.toEqual(Array.from(b.slice(5 * 8)));
    tf.dispose([...Object.values(weights), itemMatrix]);
  });
});
