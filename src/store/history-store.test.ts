import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from './history-store.js';
import { DB_VERSION, openRecoDB } from './schema.js';

let dbCounter = 0;
const uniqueName = () => `reco-test-${++dbCounter}`;
const DAY = 86_400_000;

function storeOn(name: string, options: ConstructorParameters<typeof HistoryStore>[0] = {}) {
  return new HistoryStore({ open: () => openRecoDB(name), ...options });
}

describe('schema migrations', () => {
  it('v0 → current creates every store', async () => {
    const db = await openRecoDB(uniqueName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['events', 'settings']);
    db.close();
  });
  it('v1 → v2 keeps the recorded events and adds settings', async () => {
    const name = uniqueName();
    // The v1 schema exactly as the first release created it.
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('by-time', 'timestamp');
      },
    });
    await v1.add('events', { type: 'view', itemId: 'A', timestamp: Date.now() });
    v1.close();
    const store = storeOn(name);
    await store.ready();
    expect(store.mode).toBe('indexeddb');
    expect(store.events.map((e) => e.itemId)).toEqual(['A']);
    await store.setOptedOut(false);
    expect(store.failures).toEqual([]);
  });
});

describe('HistoryStore', () => {
  it('persists events across instances, oldest first', async () => {
    const name = uniqueName();
    const a = storeOn(name);
    await a.append({ type: 'view', itemId: 'A', timestamp: Date.now() - 10 });
    await a.append({ type: 'cart', itemId: 'B', timestamp: Date.now() });
    const b = storeOn(name);
    await b.ready();
    expect(b.events.map((e) => [e.type, e.itemId])).toEqual([['view', 'A'], ['cart', 'B']]);
  });

  it('makes an event visible and fires change before the write finishes', async () => {
    const store = storeOn(uniqueName());
    await store.ready();
    let seen = -1;
    store.addEventListener('change', () => (seen = store.events.length));
    const writing = store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    await Promise.resolve();
    expect(seen).toBe(1);
    await writing;
  });

  it('is bounded by count, in memory and on disk', async () => {
    const name = uniqueName();
    const store = storeOn(name, { bounds: { maxEvents: 3 } });
    for (let i = 0; i < 6; i++) await store.append({ type: 'view', itemId: `I${i}`, timestamp: Date.now() + i });
    expect(store.events.map((e) => e.itemId)).toEqual(['I3', 'I4', 'I5']);
    const reopened = storeOn(name, { bounds: { maxEvents: 100 } });
    await reopened.ready();
    expect(reopened.events.map((e) => e.itemId)).toEqual(['I3', 'I4', 'I5']);
  });

  it('is bounded by age', async () => {
    const now = 100 * DAY;
    const name = uniqueName();
    const store = storeOn(name, { now: () => now, bounds: { maxAgeDays: 7 } });
    await store.append({ type: 'view', itemId: 'old', timestamp: now - 8 * DAY });
    await store.append({ type: 'view', itemId: 'new', timestamp: now - 1 * DAY });
    expect(store.events.map((e) => e.itemId)).toEqual(['new']);
    store.configure({ maxAgeDays: 0.5 });
    expect(store.events).toEqual([]);
  });

  it('erases everything on clear', async () => {
    const name = uniqueName();
    const store = storeOn(name);
    await store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    await store.clear();
    const reopened = storeOn(name);
    await reopened.ready();
    expect(reopened.events).toEqual([]);
  });

  it('records nothing after opt-out, and remembers the choice', async () => {
    const name = uniqueName();
    const store = storeOn(name);
    await store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    await store.setOptedOut(true);
    await store.append({ type: 'view', itemId: 'B', timestamp: Date.now() });
    expect(store.events).toEqual([]);
    const reopened = storeOn(name);
    await reopened.ready();
    expect(reopened.optedOut).toBe(true);
    expect(reopened.events).toEqual([]);
  });

  it('falls back to memory when IndexedDB cannot open, and reports it', async () => {
    const store = new HistoryStore({ open: () => Promise.reject(new DOMException('blocked', 'SecurityError')) });
    const errors: string[] = [];
    store.addEventListener('error', (e) => errors.push((e as CustomEvent).detail.type));
    await store.ready();
    expect(store.mode).toBe('memory');
    expect(store.failures.map((f) => f.type)).toEqual(['storagefailure']);
    await store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    expect(store.events.map((e) => e.itemId)).toEqual(['A']);
  });

  it('falls back to memory when a write fails (quota exceeded)', async () => {
    const name = uniqueName();
    const store = new HistoryStore({
      open: async () => {
        const db = await openRecoDB(name);
        const transaction = db.transaction.bind(db);
        (db as { transaction: unknown }).transaction = (...args: Parameters<typeof transaction>) => {
          if (args[1] === 'readwrite') throw new DOMException('quota', 'QuotaExceededError');
          return transaction(...args);
        };
        return db;
      },
    });
    await store.ready();
    await store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    expect(store.mode).toBe('memory');
    expect(store.events.map((e) => e.itemId)).toEqual(['A']);
    expect(store.failures[0]?.type).toBe('storagefailure');
  });

  it('skips corrupt records and reports them, keeping the valid ones', async () => {
    const name = uniqueName();
    const db = await openRecoDB(name);
    await db.add('events', { type: 'view', itemId: 'A', timestamp: Date.now() });
    await db.add('events', { type: 'teleport', itemId: 42, timestamp: 'soon' } as never);
    db.close();
    const store = storeOn(name);
    await store.ready();
    expect(store.events.map((e) => e.itemId)).toEqual(['A']);
    expect(store.failures.map((f) => f.type)).toEqual(['storagecorrupt']);
    expect(store.mode).toBe('indexeddb');
  });
  it('goes on in memory when an old tab blocks the upgrade, and the upgrade completes later', async () => {
    const name = uniqueName();
    // An old tab: the v1 schema, held open with no versionchange handler.
    const oldTab = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('by-time', 'timestamp');
      },
    });
    await oldTab.add('events', { type: 'cart', itemId: 'OLD', timestamp: Date.now() });
    const store = new HistoryStore({ open: (hooks) => openRecoDB(name, hooks) });
    await store.ready();
    expect(store.mode).toBe('memory');
    expect(store.failures.map((f) => f.type)).toEqual(['storagefailure']);
    expect(String(store.failures[0]!.sourceError)).toMatch(/blocked/);
    await store.append({ type: 'view', itemId: 'NEW', timestamp: Date.now() });
    expect(store.events.map((e) => e.itemId)).toEqual(['NEW']);
    oldTab.close();
    const next = storeOn(name);
    await next.ready();
    expect(next.mode).toBe('indexeddb');
    expect(next.events.map((e) => e.itemId)).toEqual(['OLD']); // migrated, nothing lost
  });

  it('lets a newer version in another tab upgrade, going on in memory', async () => {
    const name = uniqueName();
    const store = new HistoryStore({ open: (hooks) => openRecoDB(name, hooks) });
    await store.ready();
    await store.append({ type: 'view', itemId: 'A', timestamp: Date.now() });
    const newer = await openDB(name, DB_VERSION + 1); // resolves only if our connection closed
    expect(store.mode).toBe('memory');
    expect(store.events.map((e) => e.itemId)).toEqual(['A']);
    expect(await newer.count('events' as never)).toBe(1);
    newer.close();
  });
});
