/**
 * The shopper's on-device database: a typed idb schema and the one upgrade switch that holds
 * every migration. Only src/store touches `idb`.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EventType } from '../model/artifacts.js';

export const DB_NAME = 'reco-widget';
/** Bump with a new step in `migrate` — never edit an old step. */
export const DB_VERSION = 2;

/** One recorded behaviour event. Item ids (not indices) survive model versions. */
export interface StoredEvent {
  /** Assigned by IndexedDB (auto-increment); absent before the first write. */
  id?: number;
  type: EventType;
  /** Null for a search with no item. */
  itemId: string | null;
  query?: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** The shopper's own choices, kept on the device. */
export interface StoredSettings {
  /** True after the shopper turned personalisation off in the activity view. */
  optedOut: boolean;
}

export interface RecoDB extends DBSchema {
  /** v1: the history, oldest first by key. */
  events: { key: number; value: StoredEvent; indexes: { 'by-time': number } };
  /** v2: settings, one record per key. */
  settings: { key: string; value: { key: string; value: unknown } };
}

/**
 * Applies every migration from `oldVersion` up to DB_VERSION, in order (one step per version;
 * written as ifs because the compiler forbids switch fall-through here).
 */
function migrate(db: IDBPDatabase<RecoDB>, oldVersion: number): void {
  if (oldVersion < 1) {
    const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    events.createIndex('by-time', 'timestamp');
  }
  if (oldVersion < 2) {
    db.createObjectStore('settings', { keyPath: 'key' });
  }
}

/** What an open connection is told about other tabs (see HistoryStore). */
export interface OpenHooks {
  /** Our upgrade waits for another tab that holds an older version open. */
  blocked?: () => void;
  /** Another tab wants a newer version: our open connection is in its way. */
  blocking?: () => void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  terminated?: () => void;
}

export function openRecoDB(name = DB_NAME, hooks: OpenHooks = {}): Promise<IDBPDatabase<RecoDB>> {
  return openDB<RecoDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      migrate(db, oldVersion);
    },
    blocked: () => hooks.blocked?.(),
    blocking: () => hooks.blocking?.(),
    terminated: () => hooks.terminated?.(),
  });
}
