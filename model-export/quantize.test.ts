import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWeights, fromFloat16Bits, perRowUint8, toFloat16Bits } from './quantize.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('float16', () => {
  it('round-trips exactly representable values and rounds others to the nearest half', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -(2 ** -14), 2 ** -24]) expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1); // tie → even
    expect(fromFloat16Bits(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Infinity);
    expect(Math.abs(fromFloat16Bits(toFloat16Bits(0.1)) - 0.1)).toBeLessThan(0.1 * 2 ** -11);
  });

  it('matches tfjs decoding of float16 weights', () => {
    const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 3);
    const { specs, data } = encodeWeights([{ name: 'w', shape: [2000], values }], 'float16');
    const decoded = tf.io.decodeWeights(data.buffer as ArrayBuffer, specs as tf.io.WeightsManifestEntry[]);
    const out = decoded['w']!.dataSync();
    for (let i = 0; i < values.length; i++) expect(out[i]).toBe(fromFloat16Bits(toFloat16Bits(values[i]!)));
    tf.dispose(Object.values(decoded));
  });
});

describe('uint8', () => {
  it('per-row codes stay within half a step of every value, even for rows of very different range', () => {
    const rows = 3;
    const columns = 50;
    const values = new Float32Array(rows * columns);
    for (let c = 0; c < columns; c++) {
      values[c] = c / 1000; // tiny range
      values[columns + c] = (c - 25) * 4; // wide range
      values[2 * columns + c] = 7; // constant row
    }
    const { codes, rowMin, rowScale } = perRowUint8(values, rows, columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const restored = codes[r * columns + c]! * rowScale[r]! + rowMin[r]!;
        const range = r === 2 ? 1 : Math.max(...values.subarray(r * columns, (r + 1) * columns)) - Math.min(...values.subarray(r * columns, (r + 1) * columns));
        expect(Math.abs(restored - values[r * columns + c]!), `row ${r}`).toBeLessThanOrEqual((range / 255) * 0.51 + Math.abs(values[r * columns + c]!) * 2 ** -10);
      }
    }
  });

  it('uses one affine min/scale per other tensor, decoded by tfjs as q · scale + min', () => {
    const values = Float32Array.from({ length: 4096 }, (_, i) => Math.cos(i) * 0.3 + 0.1);
    const { specs, data } = encodeWeights([{ name: 'layer0/wq', shape: [64, 64], values }], 'uint8');
    expect(specs[0]!.quantization).toMatchObject({ dtype: 'uint8' });
    expect(data.length).toBe(4096);
    const decoded = tf.io.decodeWeights(data.buffer as ArrayBuffer, specs as tf.io.WeightsManifestEntry[]);
    const out = decoded['layer0/wq']!.dataSync();
    const step = (0.6 / 255) * 1.001;
    for (let i = 0; i < values.length; i++) expect(Math.abs(out[i]! - values[i]!)).toBeLessThanOrEqual(step / 2);
    tf.dispose(Object.values(decoded));
  });

  it('stores the item matrix as codes plus half-precision row min/scale tensors', () => {
    const values = Float32Array.from({ length: 100 * 32 }, (_, i) => Math.sin(i * 0.37));
    const { specs, data } = encodeWeights([{ name: 'item_matrix', shape: [100, 32], values }], 'uint8');
    expect(specs.map((s) => s.name)).toEqual(['item_matrix', 'item_matrix/row_min', 'item_matrix/row_scale']);
    expect(data.length).toBe(100 * 32 + 2 * 100 * 2);
  });
});

describe('int32 weights', () => {
  it('stores item indices exactly: uint16 codes with min −1 that tfjs decodes to int32, or plain int32', () => {
    const values = Float32Array.from({ length: 2048 }, (_, i) => (i % 7 === 0 ? -1 : i * 13));
    for (const q of ['float32', 'float16', 'uint8'] as const) {
      const { specs, data } = encodeWeights([{ name: 'transitions/next', shape: [1024, 2], values, dtype: 'int32' }], q);
      expect(specs[0]!.dtype).toBe('int32');
      expect(data.length, q).toBe(values.length * (q === 'float32' ? 4 : 2));
      const decoded = tf.io.decodeWeights(data.buffer as ArrayBuffer, specs as tf.io.WeightsManifestEntry[]);
      expect(decoded['transitions/next']!.dtype).toBe('int32');
      expect(Array.from(decoded['transitions/next']!.dataSync())).toEqual(Array.from(values));
      tf.dispose(Object.values(decoded));
    }
  });

  it('rejects non-integer values, naming the weight', () => {
    expect(() => encodeWeights([{ name: 'transitions/next', shape: [2], values: Float32Array.of(1, 2.5), dtype: 'int32' }], 'uint8')).toThrow(/transitions\/next.*2\.5/);
  });
});
