/**
 * The item distance behind intra-list diversity, chosen once per dataset so that every
 * recommender is measured with the same ruler:
 * - `category`: d(a,b) = 0 when both items have the same non-empty category, else 1
 *   (used when at least half the catalog has a category);
 * - `cooccurrence`: d(a,b) = 1 − cos(a,b), the cosine of the items' user–incidence columns in
 *   the training events (used otherwise, e.g. online-retail has no categories).
 */
import type { Dataset, Interaction } from '../data/types.js';
import type { Catalog } from './catalog.js';
import { cosineFromGram, distinctItemsPerUser, gramMatrix, MAX_DENSE_ITEMS } from './item-similarity.js';
import type { ItemDistance } from './metrics.js';

export interface ItemDistanceChoice {
  kind: 'category' | 'cooccurrence';
  distance: ItemDistance;
}

/** At least this share of catalog items must have a category for the category distance. */
export const CATEGORY_COVERAGE_NEEDED = 0.5;

export function chooseItemDistance(dataset: Dataset, catalog: Catalog, trainingEvents: readonly Interaction[]): ItemDistanceChoice {
  const items = dataset.items;
  if (items) {
    let withCategory = 0;
    for (const id of catalog.ids) if ((items.get(id)?.category ?? '') !== '') withCategory++;
    if (withCategory >= CATEGORY_COVERAGE_NEEDED * catalog.ids.length) {
      const categoryOf = (id: string): string => items.get(id)?.category ?? '';
      return {
        kind: 'category',
        distance: (a, b) => {
          const category = categoryOf(a);
          return category !== '' && category === categoryOf(b) ? 0 : 1;
        },
      };
    }
  }
  return { kind: 'cooccurrence', distance: cooccurrenceDistance(catalog, trainingEvents) };
}

function cooccurrenceDistance(catalog: Catalog, events: readonly Interaction[]): ItemDistance {
  const n = catalog.ids.length;
  if (n <= MAX_DENSE_ITEMS) {
    const cosine = cosineFromGram(gramMatrix(catalog, events), n);
    return (a, b) => {
      const i = catalog.indexOf.get(a);
      const j = catalog.indexOf.get(b);
      return i === undefined || j === undefined ? 1 : 1 - cosine[i * n + j]!;
    };
  }
  // Large catalogs: sparse user lists per item, cosine computed per pair on demand.
  const usersOf: number[][] = Array.from({ length: n }, () => []);
  distinctItemsPerUser(catalog, events).forEach((items, user) => {
    for (const item of items) usersOf[item]!.push(user);
  });
  return (a, b) => {
    const i = catalog.indexOf.get(a);
    const j = catalog.indexOf.get(b);
    if (i === undefined || j === undefined) return 1;
    const x = usersOf[i]!;
    const y = usersOf[j]!;
    if (x.length === 0 || y.length === 0) return 1;
    let shared = 0;
    for (let p = 0, q = 0; p < x.length && q < y.length;) {
      if (x[p] === y[q]) { shared++; p++; q++; } else if (x[p]! < y[q]!) p++; else q++;
    }
    return 1 - shared / Math.sqrt(x.length * y.length);
  };
}
