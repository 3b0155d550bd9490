import { describe, expect, it } from 'vitest';
import { invertSpd } from './linalg.js';

describe('invertSpd', () => {
  it('inverts a 3×3 SPD matrix (hand-checked inverse)', () => {
    // A = [[4,2,0],[2,3,1],[0,1,2]]: det = 4·5 − 2·4 = 12, A⁻¹ = adj(A) / 12.
    const a = Float64Array.from([4, 2, 0, 2, 3, 1, 0, 1, 2]);
    const inverse = invertSpd(a.slice(), 3);
    const expected = [5, -4, 2, -4, 8, -4, 2, -4, 8].map((v) => v / 12);
    expected.forEach((v, i) => expect(inverse[i]).toBeCloseTo(v, 12));
  });

  it.each([37, 38])('gives A·A⁻¹ = I on a random %i-square SPD matrix (odd and even sizes)', (size) => {
    const n = size;
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const r = Array.from({ length: n * n }, random);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let t = 0; t < n; t++) s += r[i * n + t]! * r[j * n + t]!;
      a[i * n + j] = s;
    }
    const inverse = invertSpd(a.slice(), n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[i * n + t]! * inverse[t * n + j]!;
      expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-8);
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow('not positive definite');
  });
});
