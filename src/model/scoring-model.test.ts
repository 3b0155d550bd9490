import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFiles } from '../../model-export/export.js';
import type { NamedWeight, Quantization } from '../../model-export/quantize.js';
import type { HistoryEvent } from './artifacts.js';
import { defaultEncoderConfig, encoderWeightShapes, type SasrecConfig } from './encoder.js';
import { decodeModel, decodeModelWeights, TRANSITION_LOGIT, TRANSITION_MIX, TRANSITION_NEXT, type ScoringModel } from './scoring-model.js';

const ITEMS = 30;
const config: SasrecConfig = defaultEncoderConfig({ maxLength: 8, dims: 16, heads: 2, layers: 2, ffDims: 24 });

/** Deterministic pseudo-random weights (a small LCG), so tests need no training. */
function randomWeights(seed: number): NamedWeight[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const shapes = [{ name: 'item_matrix', shape: [ITEMS, config.dims] }, ...encoderWeightShapes(config, ITEMS)];
  return shapes.map(({ name, shape }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('gamma')) values.fill(1);
    else if (name !== 'repeat_bias' && name !== 'repeat_item_bias') for (let i = 0; i < values.length; i++) values[i] = next() * 0.6;
    return { name, shape, values };
  });
}

function build(weights: NamedWeight[], quantization: Quantization): ScoringModel {
  const { modelJson, weights: bytes } = modelFiles(config, weights, quantization);
  return decodeModel(modelJson, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

const history: HistoryEvent[] = [
  { itemIndex: 3, type: 'view', timestamp: 1_000_000 },
  { itemIndex: 7, type: 'cart', timestamp: 1_030_000 },
  { itemIndex: null, type: 'search', timestamp: 1_040_000, query: 'mug' },
  { itemIndex: 12, type: 'purchase', timestamp: 5_000_000 },
];

function topIndices(scores: Float32Array, k: number): number[] {
  return [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('decodeModel', () => {
  it('scores every item, deterministically, without leaking tensors', async () => {
    const model = build(randomWeights(1), 'float32');
    expect(model.itemCount).toBe(ITEMS);
    expect(model.dims).toBe(config.dims);
    await model.score(history); // warm-up: backends may cache constants on first use
    const before = tf.memory().numTensors;
    const a = await model.score(history);
    const b = await model.score(history);
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(ITEMS);
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    model.dispose();
  });

  it('depends on the history: order and content change the scores', async () => {
    const model = build(randomWeights(2), 'float32');
    const base = await model.score(history);
    const reordered = await model.score([history[1]!, history[0]!, history[2]!, history[3]!]);
    const empty = await model.score([]);
    expect(Array.from(reordered)).not.toEqual(Array.from(base));
    expect(Array.from(empty)).not.toEqual(Array.from(base));
    expect(Array.from(empty).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('attends to the last maxLength events only, but repeat-biases items up to repeatWindow back', async () => {
    const model = build(randomWeights(3), 'float32');
    const long: HistoryEvent[] = Array.from({ length: 20 }, (_, i) => ({ itemIndex: i, type: 'view', timestamp: i * 60_000 }));
    const a = await model.score(long);
    // Changing an event older than the window (but not the gap of the first kept event) changes nothing.
    const b = await model.score([{ ...long[0]!, itemIndex: 29 }, ...long.slice(1)]);
    expect(Array.from(a)).toEqual(Array.from(b));
    model.dispose();
    // With a repeat bias, item 0 (19 events back, outside the 8-event attention window) gains it.
    const boosted = build(
      randomWeights(3).map((w) => (w.name === 'repeat_bias' ? { ...w, values: w.values.map(() => 1) } : w)),
      'float32',
    );
    const c = await boosted.score(long);
    const plain = build(randomWeights(3), 'float32');
    const d = await plain.score(long);
    expect(c[0]! - d[0]!).toBeGreaterThan(0.1);
    expect(c[25]).toBe(d[25]); // never seen: no bias
    boosted.dispose();
    plain.dispose();
  });

  it('ranks already-seen items up when the repeat bias says so', async () => {
    const weights = randomWeights(4);
    const plain = build(weights, 'float32');
    const boosted = weights.map((w) => (w.name === 'repeat_bias' ? { ...w, values: w.values.map((_, i) => (i === 0 ? 50 : 0)) } : w));
    const model = build(boosted, 'float32');
    const scores = await model.score(history);
    expect(topIndices(scores, 1)).toEqual([12]);
    const plainScores = await plain.score(history);
    expect(scores[3]).toBe(plainScores[3]); // bias only for the latest bucket (recency 1)
    plain.dispose();
    model.dispose();
  });

  it('uint8 and float16 weights give nearly the float32 ranking', async () => {
    const weights = randomWeights(5);
    const full = build(weights, 'float32');
    const reference = topIndices(await full.score(history), 10);
    for (const q of ['float16', 'uint8'] as const) {
      const model = build(weights, q);
      const top = topIndices(await model.score(history), 10);
      const overlap = top.filter((i) => reference.includes(i)).length;
      expect(overlap, q).toBeGreaterThanOrEqual(8);
      const embeddings = await model.itemEmbeddings();
      const exact = weights[0]!.values;
      let maxError = 0;
      for (let i = 0; i < exact.length; i++) maxError = Math.max(maxError, Math.abs(exact[i]! - embeddings[i]!));
      expect(maxError, q).toBeLessThan(q === 'uint8' ? 0.003 : 0.0005);
      model.dispose();
    }
    full.dispose();
  });

  it('dispose frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const model = build(randomWeights(6), 'uint8');
    await model.score(history);
    await model.itemEmbeddings();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects artifacts that do not fit together, naming the field', () => {
    const { modelJson, weights } = modelFiles(config, randomWeights(7), 'float32');
    const buffer = weights.buffer.slice(0) as ArrayBuffer;
    expect(() => decodeModel({ ...modelJson, format: 'other' as 'reco-sasrec/1' }, buffer)).toThrow(/format/);
    expect(() => decodeModel(modelJson, buffer.slice(0, 100))).toThrow(/bytes/);
    expect(() => decodeModel({ ...modelJson, modelTopology: { ...modelJson.modelTopology, dims: 0 } }, buffer)).toThrow(/dims/);
  });

  describe('transition prior', () => {
    const K = 3;
    /** Item q's next items: q+1, q+2 (then padding), logits 2 and 1; mix = [1, 0.5]. */
    function priorWeights(mix = [1, 0.5]): NamedWeight[] {
      const next = new Float32Array(ITEMS * K).fill(-1);
      const logit = new Float32Array(ITEMS * K);
      for (let q = 0; q < ITEMS; q++) {
        next[q * K] = (q + 1) % ITEMS;
        next[q * K + 1] = (q + 2) % ITEMS;
        logit[q * K] = 2;
        logit[q * K + 1] = 1;
      }
      return [
        { name: TRANSITION_NEXT, shape: [ITEMS, K], values: next, dtype: 'int32' },
        { name: TRANSITION_LOGIT, shape: [ITEMS, K], values: logit },
        { name: TRANSITION_MIX, shape: [mix.length], values: Float32Array.from(mix) },
      ];
    }

    it('adds Σ mix[r] · logit(q_r → i) over the latest items to the model scores, without leaking tensors', async () => {
      const plain = build(randomWeights(8), 'float32');
      const withPrior = build([...randomWeights(8), ...priorWeights()], 'float32');
      const base = await plain.score(history);
      await withPrior.score(history);
      const before = tf.memory().numTensors;
      const scores = await withPrior.score(history);
      expect(tf.memory().numTensors).toBe(before);
      // Latest item 12 (mix 1): 13 += 2, 14 += 1; the one before, 7 (mix 0.5): 8 += 1, 9 += 0.5.
      const expected = Float32Array.from(base);
      expected[13] += 2;
      expected[14] += 1;
      expected[8] += 1;
      expected[9] += 0.5;
      expect(Array.from(scores)).toEqual(Array.from(expected));
      expect(Array.from(await withPrior.score(history))).toEqual(Array.from(scores)); // deterministic
      plain.dispose();
      withPrior.dispose();
    });

    it('keeps next-item indices exact in every quantization and is ignored when a weight is missing', async () => {
      for (const q of ['float32', 'float16', 'uint8'] as const) {
        const { modelJson, weights } = modelFiles(config, [...randomWeights(9), ...priorWeights()], q);
        const decoded = decodeModelWeights(modelJson, weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
        expect(decoded.transitions, q).not.toBeNull();
        expect(Array.from(decoded.transitions!.next.subarray(0, 6)), q).toEqual([1, 2, -1, 2, 3, -1]);
        expect(Array.from(decoded.transitions!.mix), q).toEqual([1, 0.5]);
        tf.dispose([decoded.itemMatrix, ...Object.values(decoded.weights)]);
      }
      const partial = build([...randomWeights(9), ...priorWeights().slice(0, 2)], 'float32');
      const plain = build(randomWeights(9), 'float32');
      expect(Array.from(await partial.score(history))).toEqual(Array.from(await plain.score(history)));
      partial.dispose();
      plain.dispose();
    });

    it('rejects a next-item table that does not fit the catalog, naming the weight', () => {
      const bad = priorWeights();
      bad[0] = { ...bad[0]!, values: bad[0]!.values.map((v, i) => (i === 4 ? ITEMS + 5 : v)) };
      const { modelJson, weights } = modelFiles(config, [...randomWeights(10), ...bad], 'float32');
      const before = tf.memory().numTensors;
      expect(() => decodeModel(modelJson, weights.buffer.slice(0) as ArrayBuffer)).toThrow(/transitions\/next.*\[4\].*35/);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
