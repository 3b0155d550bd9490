/**
 * The item universe every recommender ranks against (full ranking): items.csv order first,
 * then items seen only in events, in order of first appearance (train, valid, test).
 * Also the popularity order that every baseline uses to break ties deterministically.
 */
import type { Dataset, Interaction } from '../data/types.js';

export interface Catalog {
  ids: string[];
  indexOf: ReadonlyMap<string, number>;
}

export function buildCatalog(dataset: Dataset): Catalog {
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  const add = (id: string): void => {
    if (!indexOf.has(id)) {
      indexOf.set(id, ids.length);
      ids.push(id);
    }
  };
  if (dataset.items) for (const id of dataset.items.keys()) add(id);
  for (const events of [dataset.train, dataset.valid, dataset.test]) for (const event of events) add(event.itemId);
  return { ids, indexOf };
}

/** Interactions per item index (every event counts, repeats included). */
export function countItems(catalog: Catalog, events: readonly Interaction[]): Float64Array {
  const counts = new Float64Array(catalog.ids.length);
  for (const event of events) counts[catalog.indexOf.get(event.itemId)!]!++;
  return counts;
}

/**
 * `order[r]` = item index at popularity rank r (most events first, ties by item id, by code
 * unit order), and `rank[i]` = the rank of item i — the tie-breaker all baselines share.
 */
export function popularityOrder(catalog: Catalog, counts: Float64Array): { order: Int32Array; rank: Int32Array } {
  const order = Int32Array.from(catalog.ids.keys()).sort((a, b) => {
    const byCount = counts[b]! - counts[a]!;
    if (byCount !== 0) return byCount;
    const idA = catalog.ids[a]!;
    const idB = catalog.ids[b]!;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  });
  const rank = new Int32Array(order.length);
  order.forEach((item, r) => (rank[item] = r));
  return { order, rank };
}

/**
 * Indices of the `k` best scores, best first; equal scores go to the lower `tieRank`.
 * A linear scan with a small sorted buffer: O(N·k) worst case, O(N) typical.
 */
export function topK(scores: ArrayLike<number>, k: number, tieRank: Int32Array): number[] {
  const best: number[] = [];
  const better = (a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && tieRank[a]! < tieRank[b]!);
  for (let i = 0; i < scores.length; i++) {
    if (best.length === k && !better(i, best[k - 1]!)) continue;
    let position = best.length === k ? k - 1 : best.length;
    while (position > 0 && better(i, best[position - 1]!)) position--;
    best.splice(position, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}
