/**
 * The shopper's history: IndexedDB when it works, memory for the session when it does not
 * (private mode, blocked, quota exceeded, corrupt data) — the page keeps working either way.
 * Keeps an in-memory mirror so a re-rank never waits for a read.
 */
import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { EVENT_TYPES } from '../model/artifacts.js';
import { DB_NAME, openRecoDB, type OpenHooks, type RecoDB, type StoredEvent } from './schema.js';

export interface StoreBounds {
  /** Most events kept; older ones are dropped first. */
  maxEvents: number;
  /** Events older than this many days are dropped. */
  maxAgeDays: number;
}
export const DEFAULT_BOUNDS: StoreBounds = { maxEvents: 200, maxAgeDays: 30 };

export type StoreMode = 'indexeddb' | 'memory';

/** Detail of the store's `error` event (re-dispatched by every widget). */
export interface StoreFailure {
  type: 'storagefailure' | 'storagecorrupt';
  sourceError: unknown;
}

export interface HistoryStoreOptions {
  /** Opens the database; the hooks must be wired to the connection (see openRecoDB). */
  open?: (hooks: OpenHooks) => Promise<IDBPDatabase<RecoDB>>;
  now?: () => number;
  bounds?: Partial<StoreBounds>;
}

const DAY_MS = 86_400_000;
const OPT_OUT_KEY = 'optedOut';

function isStoredEvent(value: unknown): value is StoredEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    (EVENT_TYPES as readonly unknown[]).includes(e['type']) &&
    (typeof e['itemId'] === 'string' || e['itemId'] === null) &&
    typeof e['timestamp'] === 'number' &&
    Number.isFinite(e['timestamp']) &&
    (e['query'] === undefined || typeof e['query'] === 'string')
  );
}

/**
 * Events: `change` after the history or the opt-out changed, `error` (CustomEvent<StoreFailure>)
 * when storage failed and the store switched to memory.
 */
export class HistoryStore extends EventTarget {
  private db: IDBPDatabase<RecoDB> | null = null;
  private mirror: StoredEvent[] = [];
  private optOut = false;
  private storeMode: StoreMode = 'indexeddb';
  private changeCount = 0;
  /** Set when we stopped waiting for IndexedDB (blocked by another tab): a late connection is closed. */
  private abandoned = false;
  private readonly opening: Promise<void>;
  private readonly now: () => number;
  private bounds: StoreBounds;
  /** Failures so far, so that a widget that connects later can still report them. */
  readonly failures: StoreFailure[] = [];

  constructor(options: HistoryStoreOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
    let stopWaiting!: () => void;
    const blocked = new Promise<void>((resolve) => (stopWaiting = resolve));
    const hooks: OpenHooks = {
      // An old tab holds the previous schema open: waiting could take forever, so this tab goes on
      // in memory. The upgrade still completes (nothing stored is lost) once that tab lets go.
      blocked: () => {
        if (this.db || this.abandoned) return;
        this.abandoned = true;
        this.fail('storagefailure', new Error('IndexedDB upgrade blocked: another tab holds an older version of the database open; this tab keeps the history in memory'));
        stopWaiting();
      },
      // A newer widget in another tab needs to upgrade: let it, and go on in memory here.
      blocking: () => this.fail('storagefailure', new Error('IndexedDB: another tab needs a newer database version; this tab keeps the history in memory')),
      terminated: () => this.fail('storagefailure', new Error('IndexedDB connection closed by the browser')),
    };
    const open = options.open ?? ((h: OpenHooks) => openRecoDB(DB_NAME, h));
    this.opening = Promise.race([this.openAndLoad(() => open(hooks)), blocked]);
  }

  /** Resolves once the history is loaded (from IndexedDB, or empty in memory). Never rejects. */
  ready(): Promise<void> {
    return this.opening;
  }

  get mode(): StoreMode {
    return this.storeMode;
  }
  /** The kept history, oldest first. */
  get events(): readonly StoredEvent[] {
    return this.mirror;
  }
  /** Increases on every change: a cheap key for caching scores. */
  get revision(): number {
    return this.changeCount;
  }
  get optedOut(): boolean {
    return this.optOut;
  }

  /** Changes the bounds (values ≤ 0 or non-numbers are ignored) and prunes at once. */
  configure(bounds: Partial<StoreBounds>): void {
    for (const key of ['maxEvents', 'maxAgeDays'] as const) {
      const value = bounds[key];
      if (typeof value === 'number' && value > 0) this.bounds[key] = value;
    }
    const before = this.mirror.length;
    this.pruneMirror();
    if (this.mirror.length !== before) {
      void this.persistPrune();
      this.changed();
    }
  }

  /** Records one event: visible to readers at once, written to IndexedDB before it resolves. */
  async append(event: Omit<StoredEvent, 'id'>): Promise<void> {
    await this.opening;
    if (this.optOut) return;
    const stored: StoredEvent = { ...event };
    this.mirror.push(stored);
    this.pruneMirror();
    this.changed();
    if (!this.db) return;
    try {
      const tx = this.db.transaction('events', 'readwrite');
      stored.id = await tx.store.add({ ...event });
      await this.pruneIn(tx.store);
      await tx.done;
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  /** Erases the whole history (the activity view's "erase"). */
  async clear(): Promise<void> {
    await this.opening;
    this.mirror = [];
    this.changed();
    if (!this.db) return;
    try {
      await this.db.clear('events');
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  /** Turns personalisation off (erasing the history) or back on; remembered on the device. */
  async setOptedOut(optedOut: boolean): Promise<void> {
    await this.opening;
    this.optOut = optedOut;
    if (optedOut) this.mirror = [];
    this.changed();
    if (!this.db) return;
    try {
      const tx = this.db.transaction(['events', 'settings'], 'readwrite');
      await tx.objectStore('settings').put({ key: OPT_OUT_KEY, value: optedOut });
      if (optedOut) await tx.objectStore('events').clear();
      await tx.done;
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  /** Re-reads IndexedDB (another tab changed it). In memory mode there is nothing to re-read. */
  async reload(): Promise<void> {
    await this.opening;
    if (!this.db) return;
    try {
      await this.load(this.db);
      this.changed();
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  private async openAndLoad(open: () => Promise<IDBPDatabase<RecoDB>>): Promise<void> {
    try {
      const db = await open();
      if (this.abandoned) {
        db.close(); // the migration ran; this session already continues in memory
        return;
      }
      await this.load(db);
      if (this.storeMode === 'memory') {
        db.close(); // another tab asked for the database while we were loading
        return;
      }
      this.db = db;
      await this.persistPrune();
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  private async load(db: IDBPDatabase<RecoDB>): Promise<void> {
    const tx = db.transaction(['events', 'settings'], 'readonly');
    const [records, optOut] = await Promise.all([
      tx.objectStore('events').getAll(),
      tx.objectStore('settings').get(OPT_OUT_KEY),
      tx.done,
    ]);
    const valid = records.filter(isStoredEvent);
    if (valid.length !== records.length) {
      const bad = records.find((r) => !isStoredEvent(r));
      this.fail('storagecorrupt', new Error(`events: ${records.length - valid.length} invalid record(s) skipped, e.g. ${JSON.stringify(bad)}`), false);
    }
    this.mirror = valid.sort((a, b) => a.timestamp - b.timestamp || (a.id ?? 0) - (b.id ?? 0));
    this.optOut = optOut?.value === true;
    this.pruneMirror();
  }

  private pruneMirror(): void {
    const cutoff = this.now() - this.bounds.maxAgeDays * DAY_MS;
    let start = this.mirror.findIndex((e) => e.timestamp >= cutoff);
    if (start < 0) start = this.mirror.length;
    start = Math.max(start, this.mirror.length - this.bounds.maxEvents);
    if (start > 0) this.mirror = this.mirror.slice(start);
  }

  private async persistPrune(): Promise<void> {
    if (!this.db) return;
    try {
      const tx = this.db.transaction('events', 'readwrite');
      await this.pruneIn(tx.store);
      await tx.done;
    } catch (error) {
      this.fail('storagefailure', error);
    }
  }

  /** Drops too-old events, then the oldest beyond maxEvents, inside the caller's transaction. */
  private async pruneIn(store: IDBPObjectStore<RecoDB, ['events'], 'events', 'readwrite'>): Promise<void> {
    const cutoff = this.now() - this.bounds.maxAgeDays * DAY_MS;
    let cursor = await store.index('by-time').openCursor(IDBKeyRange.upperBound(cutoff, true));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    let excess = (await store.count()) - this.bounds.maxEvents;
    if (excess <= 0) return;
    let oldest = await store.index('by-time').openCursor();
    while (oldest && excess > 0) {
      await oldest.delete();
      excess--;
      oldest = await oldest.continue();
    }
  }

  private changed(): void {
    this.changeCount++;
    this.dispatchEvent(new Event('change'));
  }

  /** Reports a failure; by default also gives up on IndexedDB for the rest of the session. */
  private fail(type: StoreFailure['type'], sourceError: unknown, toMemory = true): void {
    if (toMemory) {
      this.storeMode = 'memory';
      this.db?.close();
      this.db = null;
    }
    const failure: StoreFailure = { type, sourceError };
    this.failures.push(failure);
    this.dispatchEvent(new CustomEvent<StoreFailure>('error', { detail: failure }));
  }
}
