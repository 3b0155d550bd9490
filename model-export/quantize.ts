/**
 * Weight quantization into the tfjs weights-manifest format (decoded by tf.io.decodeWeights):
 * - float32: as is;
 * - float16: every weight as IEEE half (`quantization: {dtype: 'float16'}`);
 * - uint8: the item matrix per row — uint8 codes stored with {min: 0, scale: 1} (they decode to
 *   the raw code) plus float16 `item_matrix/row_min` and `item_matrix/row_scale` [N] that
 *   src/model/scoring-model.ts applies (the manifest allows one min/scale per tensor, and rows
 *   differ a lot in range); other large weights uint8 with one affine min/scale per tensor;
 *   small ones (< 1024 values: norms, biases) float16, where uint8 would save nothing.
 * Integer weights (`dtype: 'int32'`, e.g. transitions/next) stay exact: int32, or uint16 codes
 * with {min: −1, scale: 1} when the values fit (tfjs decodes those to int32 too).
 */
import type { WeightEntry } from '../src/model/artifacts.js';
import { fromFloat16Bits, ITEM_MATRIX_ROW_MIN, ITEM_MATRIX_ROW_SCALE, TRANSITION_NEXT } from '../src/model/scoring-model.js';

export type Quantization = 'float32' | 'float16' | 'uint8';
export const QUANTIZATIONS: readonly Quantization[] = ['float32', 'float16', 'uint8'];

export interface NamedWeight {
  name: string;
  shape: number[];
  /** Integer weights (e.g. transitions/next item indices) hold exact integers here. */
  values: Float32Array;
  /** 'int32': stored as int32 (float32 export) or uint16 codes with min −1 (float16/uint8 exports). */
  dtype?: 'int32';
}

export interface EncodedWeights {
  specs: WeightEntry[];
  data: Uint8Array;
}

const SMALL_TENSOR = 1024;

/** Nearest IEEE 754 half (round to nearest even) of a float32, as its 16-bit pattern. */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (remainder > midpoint || (remainder === midpoint && half & 1) ? 1 : 0));
  }
  let half = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++;
  return sign | half;
}

export { fromFloat16Bits };

function float16Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
  return new Uint8Array(out.buffer);
}

/** Affine uint8 codes of `values` with one min/scale (as tfjs decodes: q · scale + min). */
function affineUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round((values[i]! - min) / scale)));
  return { bytes, min, scale };
}

/** Per-row uint8 codes of an [rows, columns] matrix, with half-precision row min and scale. */
export function perRowUint8(values: Float32Array, rows: number, columns: number): { codes: Uint8Array; rowMin: Float32Array; rowScale: Float32Array } {
  const codes = new Uint8Array(rows * columns);
  const rowMin = new Float32Array(rows);
  const rowScale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Quantize against the half-rounded min/scale the browser will actually use.
    const m = fromFloat16Bits(toFloat16Bits(min));
    let s = fromFloat16Bits(toFloat16Bits(max > min ? (max - m) / 255 : 1));
    if (!(s > 0)) s = fromFloat16Bits(toFloat16Bits(1));
    while (m + 255 * s < max && s < 65504) s = fromFloat16Bits(toFloat16Bits(s) + 1);
    rowMin[r] = m;
    rowScale[r] = s;
    for (let c = 0; c < columns; c++) {
      codes[r * columns + c] = Math.max(0, Math.min(255, Math.round((values[r * columns + c]! - m) / s)));
    }
  }
  return { codes, rowMin, rowScale };
}

/** Encodes weights into one buffer plus their manifest entries, in the given order. */
export function encodeWeights(weights: readonly NamedWeight[], quantization: Quantization): EncodedWeights {
  const specs: WeightEntry[] = [];
  const parts: Uint8Array[] = [];
  const addFloat32 = (w: NamedWeight): void => {
    specs.push({ name: w.name, shape: w.shape, dtype: 'float32' });
    parts.push(new Uint8Array(w.values.buffer.slice(w.values.byteOffset, w.values.byteOffset + w.values.byteLength)));
  };
  const addFloat16 = (w: NamedWeight): void => {
    specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } });
    parts.push(float16Bytes(w.values));
  };
  const addInt32 = (w: NamedWeight): void => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of w.values) {
      if (!Number.isInteger(v)) throw new Error(`weight "${w.name}": dtype int32 needs integer values (value: ${v})`);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (quantization !== 'float32' && min >= -1 && max <= 65534) {
      specs.push({ name: w.name, shape: w.shape, dtype: 'int32', quantization: { dtype: 'uint16', min: -1, scale: 1 } });
      parts.push(new Uint8Array(Uint16Array.from(w.values, (v) => v + 1).buffer));
    } else {
      specs.push({ name: w.name, shape: w.shape, dtype: 'int32' });
      parts.push(new Uint8Array(Int32Array.from(w.values).buffer));
    }
  };
  for (const w of weights) {
    if (w.dtype === 'int32' || w.name === TRANSITION_NEXT) addInt32(w);
    else if (quantization === 'float32') addFloat32(w);
    else if (quantization === 'float16' || w.values.length < SMALL_TENSOR) addFloat16(w);
    else if (w.name === 'item_matrix' && w.shape.length === 2) {
      const [rows, columns] = w.shape as [number, number];
      const { codes, rowMin, rowScale } = perRowUint8(w.values, rows, columns);
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1, original_dtype: 'float32' } });
      parts.push(codes);
      addFloat16({ name: ITEM_MATRIX_ROW_MIN, shape: [rows], values: rowMin });
      addFloat16({ name: ITEM_MATRIX_ROW_SCALE, shape: [rows], values: rowScale });
    } else {
      const { bytes, min, scale } = affineUint8(w.values);
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' } });
      parts.push(bytes);
    }
  }
  const data = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { specs, data };
}
