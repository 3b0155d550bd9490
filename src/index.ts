/**
 * The merchant's one script: `<script type="module" src=".../reco-widget.js">`.
 * Defines <reco-widget>, starts declarative tracking, and exposes `window.reco` and `track`.
 * tfjs and the model are not in this module's graph until a widget needs them (dynamic import).
 */
import { RecoWidget } from './reco-widget.js';
import type { StoreBounds } from './store/history-store.js';
import type { StoredEvent } from './store/schema.js';
import { installDeclarativeTracking } from './tracking/declarative.js';
import { announceHistoryChange, pageHistory } from './tracking/history.js';
import { track, type TrackInput } from './tracking/track.js';

export { RecoWidget, track };
export type { TrackInput };
export type { ClickDetail, ErrorDetail, RankedDetail } from './reco-widget.js';

/** `window.reco`: the page's API. Everything stays on the device. */
export interface RecoApi {
  /** Records an event: `reco.track({type: 'view', itemId: 'SKU-1'})`. */
  track(input: TrackInput): Promise<void>;
  /** The stored history, oldest first (a copy). */
  history(): Promise<StoredEvent[]>;
  /** Erases the stored history on this device. */
  erase(): Promise<void>;
  /** Turns personalisation off (erasing the history) or on; remembered on the device. */
  setOptedOut(optedOut: boolean): Promise<void>;
  /** Storage bounds: {maxEvents, maxAgeDays}. */
  configure(bounds: Partial<StoreBounds>): void;
}

declare global {
  interface Window {
    reco?: Partial<RecoApi> & { q?: TrackInput[] };
  }
  interface HTMLElementTagNameMap {
    'reco-widget': RecoWidget;
  }
}

const api: RecoApi = {
  track,
  async history() {
    const store = pageHistory();
    await store.ready();
    return store.events.map((e) => ({ ...e }));
  },
  async erase() {
    await pageHistory().clear();
    announceHistoryChange();
  },
  async setOptedOut(optedOut) {
    await pageHistory().setOptedOut(optedOut);
    announceHistoryChange();
  },
  configure(bounds) {
    pageHistory().configure(bounds);
  },
};

if (typeof window !== 'undefined') {
  if (!customElements.get('reco-widget')) customElements.define('reco-widget', RecoWidget);
  // Calls queued before the module loaded (`window.reco = {q: []}` snippet) are replayed in order.
  const queued = window.reco?.q ?? [];
  window.reco = Object.assign(window.reco ?? {}, api, { q: undefined });
  for (const input of queued) track(input).catch((error: unknown) => console.warn('[reco-widget]', error));
  installDeclarativeTracking(document);
}
