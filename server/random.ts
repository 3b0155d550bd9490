/**
 * A small seeded PRNG (mulberry32) and the draws the demo generator and the trainer need.
 * Math.random is never used, so the same seed always gives the same shop and the same weights.
 */
/** Spreads a small user seed (0, 1, 2 …) over the state space, so seed 0 does not start mulberry32 at 0. */
export function mixedSeed(seed: number): number {
  return (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    if (values.length === 0) throw new Error('Random.pick: empty list');
    return values[Math.floor(this.next() * values.length)]!;
  }

  /** Index drawn with probability proportional to weights[i] (all ≥ 0, at least one > 0). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new Error('Random.weightedIndex: weights sum to zero');
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** An integer in [0, 2^31) to seed something else (e.g. a dropout mask). */
  seed(): number {
    return Math.floor(this.next() * 2147483647);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(values: readonly T[]): T[] {
    return this.shuffle(values.slice());
  }
}
