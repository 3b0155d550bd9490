/**
 * The tracking API: `reco.track({type, itemId, query})` records one event on the device.
 * Nothing is sent anywhere; widgets re-rank as soon as the event is in the history.
 */
import type { StoredEvent } from '../store/schema.js';
import { announceHistoryChange, pageHistory } from './history.js';

export const TRACK_TYPES = ['view', 'cart', 'purchase', 'search', 'click'] as const;
export type TrackType = (typeof TRACK_TYPES)[number];

export interface TrackInput {
  type: TrackType;
  /** The item's id, as in the catalog; required except for `search`. */
  itemId?: string;
  /** The search text; required for `search`. */
  query?: string;
}

/** Widgets that set `consent="denied"`: while any is on the page, nothing is recorded. */
const denyingConsent = new Set<object>();

export function setConsent(source: object, granted: boolean): void {
  if (granted) denyingConsent.delete(source);
  else denyingConsent.add(source);
}

/** False while a widget denies consent or the shopper opted out in the activity view. */
export function recordingAllowed(): boolean {
  return denyingConsent.size === 0 && !pageHistory().optedOut;
}

/** Checks a track() argument; the error names the field and the value. */
export function toStoredEvent(input: unknown, now = Date.now()): Omit<StoredEvent, 'id'> {
  const e = input as Partial<Record<keyof TrackInput, unknown>> | null;
  if (typeof e !== 'object' || e === null) throw new TypeError(`reco.track: expected {type, itemId, query} (value: ${String(input)})`);
  if (!(TRACK_TYPES as readonly unknown[]).includes(e.type)) {
    throw new TypeError(`reco.track: field "type" must be one of ${TRACK_TYPES.join('|')} (value: ${JSON.stringify(e.type)})`);
  }
  const type = e.type as TrackType;
  if (type === 'search') {
    if (typeof e.query !== 'string' || e.query.trim() === '') throw new TypeError(`reco.track: field "query" must be a non-empty string for a search (value: ${JSON.stringify(e.query)})`);
    const itemId = typeof e.itemId === 'string' && e.itemId !== '' ? e.itemId : null;
    return { type, itemId, query: e.query.trim().slice(0, 200), timestamp: now };
  }
  if (typeof e.itemId !== 'string' || e.itemId === '') throw new TypeError(`reco.track: field "itemId" must be a non-empty string for "${type}" (value: ${JSON.stringify(e.itemId)})`);
  return { type, itemId: e.itemId, timestamp: now };
}

/**
 * Records an event. Rejects (without recording) on bad input; resolves once stored — widgets
 * on this page have already started re-ranking by then, other tabs are told after the write.
 * @example track({ type: 'cart', itemId: 'SKU-123' })
 */
export async function track(input: TrackInput): Promise<void> {
  const event = toStoredEvent(input);
  const store = pageHistory();
  await store.ready();
  if (!recordingAllowed()) return;
  await store.append(event);
  announceHistoryChange();
}
