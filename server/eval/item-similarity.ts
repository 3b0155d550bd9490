/**
 * Item–item co-occurrence over the binary user–item incidence matrix X (users × items):
 * G = Xᵀ X, so G[a][b] = number of users who interacted with both a and b, and G[a][a] = the
 * number of users of a. Shared by item-kNN (cosine), EASE (Gram matrix) and the ILD distance.
 * Dense n×n: fine for a few thousand items (3.7k → 107 MB of Float64).
 */
import type { Interaction } from '../data/types.js';
import type { Catalog } from './catalog.js';

/** Past this many items the dense n×n baselines are skipped (memory grows with n²). */
export const MAX_DENSE_ITEMS = 12_000;

/** Returns G = Xᵀ X as a row-major Float64Array of n·n. */
export function gramMatrix(catalog: Catalog, events: readonly Interaction[]): Float64Array {
  const n = catalog.ids.length;
  const gram = new Float64Array(n * n);
  for (const items of distinctItemsPerUser(catalog, events)) {
    for (const a of items) {
      const row = a * n;
      for (const b of items) gram[row + b]!++;
    }
  }
  return gram;
}

/** Cosine similarity of incidence columns: cos(a,b) = G[a][b] / √(G[a][a]·G[b][b]); 0 for unseen items. */
export function cosineFromGram(gram: Float64Array, n: number): Float32Array {
  const cosine = new Float32Array(n * n);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(gram[i * n + i]!);
  for (let a = 0; a < n; a++) {
    if (norms[a] === 0) continue;
    const row = a * n;
    for (let b = 0; b < n; b++) {
      const shared = gram[row + b]!;
      if (shared !== 0) cosine[row + b] = shared / (norms[a]! * norms[b]!);
    }
  }
  return cosine;
}

/** Each user's distinct item indices, in order of first interaction. */
export function distinctItemsPerUser(catalog: Catalog, events: readonly Interaction[]): number[][] {
  const byUser = new Map<string, Set<number>>();
  for (const event of events) {
    let items = byUser.get(event.userId);
    if (!items) byUser.set(event.userId, (items = new Set()));
    items.add(catalog.indexOf.get(event.itemId)!);
  }
  return [...byUser.values()].map((items) => [...items]);
}
