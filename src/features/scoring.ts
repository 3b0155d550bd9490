/**
 * The model's scores for the current history, computed once per history revision and shared by
 * every widget on the page (a pass over three widgets scores once).
 */
import type { HistoryEvent } from '../model/artifacts.js';
import type { LoadedModel, ShopArtifacts } from '../model/load.js';
import type { StoredEvent } from '../store/schema.js';

/** The stored history as the encoder sees it: ids → rows (unknown items keep their type, no row). */
export function toHistory(events: readonly StoredEvent[], shop: ShopArtifacts): HistoryEvent[] {
  return events
    .map((e) => ({
      itemIndex: e.itemId === null ? null : (shop.indexOf.get(e.itemId) ?? null),
      type: e.type,
      timestamp: e.timestamp,
      ...(e.query ? { query: e.query } : {}),
    }))
    .filter((e) => e.itemIndex !== null || e.type === 'search');
}

const cache = new WeakMap<LoadedModel, { key: string; scores: Promise<Float32Array> }>();

export function scoresFor(loaded: LoadedModel, history: readonly HistoryEvent[], key: string): Promise<Float32Array> {
  const hit = cache.get(loaded);
  if (hit?.key === key) return hit.scores;
  const scores = loaded.model.score(history);
  cache.set(loaded, { key, scores });
  scores.catch(() => cache.delete(loaded));
  return scores;
}
