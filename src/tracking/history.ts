/**
 * The page's one history store, shared by the tracking API and every widget, kept in step with
 * other tabs through a BroadcastChannel (a same-device channel: nothing leaves the browser).
 */
import { HistoryStore, type HistoryStoreOptions } from '../store/history-store.js';

const CHANNEL = 'reco-widget';
type TabMessage = { kind: 'history-changed' };

let store: HistoryStore | null = null;
let channel: BroadcastChannel | null = null;

/** The page's store, created (and synced with other tabs) on first use. */
export function pageHistory(options?: HistoryStoreOptions): HistoryStore {
  if (!store) {
    store = new HistoryStore(options);
    if (typeof BroadcastChannel !== 'undefined') {
      channel = new BroadcastChannel(CHANNEL);
      channel.onmessage = (message: MessageEvent<TabMessage>) => {
        if (message.data?.kind === 'history-changed') void store?.reload();
      };
    }
  }
  return store;
}

/** Tells the other tabs to re-read the history (call after the write finished). */
export function announceHistoryChange(): void {
  channel?.postMessage({ kind: 'history-changed' } satisfies TabMessage);
}
