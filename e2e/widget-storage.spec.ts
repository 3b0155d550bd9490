/**
 * IndexedDB faults in a real browser: an old tab blocking the upgrade, quota exceeded, corrupt
 * records, every older (and a newer) schema version, and the age bound. The widget keeps ranking,
 * emits `error`, and loses nothing already stored.
 */
import type { Page } from '@playwright/test';
import { expect, id, test, type Shop } from './bench/widget-harness.js';
import type { WidgetServer } from './bench/widget-server.js';

const MODEL = 'model="/models/latest/manifest.json"';
const DAY = 86_400_000;
type RawEvent = { type: string; itemId: string | null; timestamp: number; [extra: string]: unknown };
type Api = { reco: { history(): Promise<Array<{ itemId: string | null }>>; track(e: unknown): Promise<void> } };

/** A page of the same origin without the widget (an old tab, or a setup step). */
async function plainPage(server: WidgetServer, page: Page): Promise<Page> {
  server.pages.set('plain.html', '<!doctype html><title>plain</title><p>no widget here</p>');
  await page.goto(`${server.origin}/pages/plain.html`);
  return page;
}

/**
 * Creates "reco-widget" at `version` with the stores that version had, holding `events`
 * (relative `ageDays` → timestamps) and `settings`. `keepOpen` holds the connection (an old tab).
 */
function createDb(page: Page, version: number, events: Array<RawEvent | { ageDays: number; type: string; itemId: string }>, options: { keepOpen?: boolean; settings?: unknown[] } = {}) {
  return page.evaluate(
    ({ version, events, keepOpen, settings }) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('reco-widget', version);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (version >= 1) db.createObjectStore('events', { keyPath: 'id', autoIncrement: true }).createIndex('by-time', 'timestamp');
          if (version >= 2) db.createObjectStore('settings', { keyPath: 'key' });
          if (version >= 3) db.createObjectStore('future', { keyPath: 'key' });
        };
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const stores = version >= 2 ? ['events', 'settings'] : ['events'];
          const tx = db.transaction(stores, 'readwrite');
          for (const e of events) {
            const { ageDays, ...rest } = e as { ageDays?: number };
            tx.objectStore('events').add(ageDays === undefined ? rest : { ...rest, timestamp: Date.now() - ageDays * 86_400_000 });
          }
          for (const s of settings) tx.objectStore('settings').add(s);
          tx.oncomplete = () => {
            if (keepOpen) (window as unknown as { oldTabDb: IDBDatabase }).oldTabDb = db;
            else db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { version, events, keepOpen: options.keepOpen ?? false, settings: options.settings ?? [] },
  );
}

/** What is on disk now: version, stores and the events' item ids (oldest key first). */
function readDb(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[]; itemIds: Array<string | null> }>((resolve, reject) => {
        const request = indexedDB.open('reco-widget');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const stores = [...db.objectStoreNames].sort();
          if (!stores.includes('events')) return (db.close(), resolve({ version: db.version, stores, itemIds: [] }));
          const all = db.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            db.close();
            resolve({ version: db.version, stores, itemIds: (all.result as Array<{ itemId: string | null }>).map((e) => e.itemId) });
          };
        };
      }),
  );
}

const history = (page: Page) => page.evaluate(async () => (await (window as unknown as Api).reco.history()).map((e) => e.itemId));
const errorTypes = async (shop: Shop, page: Page) => (await shop.errors(page)).map((e) => e.type);

test('an old tab holding the previous schema open: memory for now, upgrade and data kept once it closes', async ({ shop, server, context, page }) => {
  const oldTab = await plainPage(server, await context.newPage());
  await createDb(oldTab, 1, [{ type: 'cart', itemId: id(6), ageDays: 1 }], { keepOpen: true });
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`);
  await expect.poll(() => errorTypes(shop, page)).toEqual(['storagefailure']);
  expect((await shop.errors(page))[0]!.message).toMatch(/upgrade blocked: another tab holds an older version/);
  const first = await shop.ranked(page, 'w', { model: true });
  expect(first.personal).toBe(false);
  await shop.track(page, { type: 'view', itemId: id(9) });
  expect(await history(page)).toEqual([id(9)]); // kept in memory for this session
  await oldTab.close(); // the pending upgrade now runs (and this tab lets the connection go)
  const fresh = await context.newPage();
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`, { page: fresh });
  await shop.ranked(fresh, 'w', { model: true });
  expect(await history(fresh)).toEqual([id(6)]); // the old tab's event, migrated
  expect(await errorTypes(shop, fresh)).toEqual([]);
  expect(await readDb(fresh)).toMatchObject({ version: 2, stores: ['events', 'settings'] });
});

test('quota exceeded on a later write: memory fallback, error emitted, earlier events stay on disk', async ({ shop, page }) => {
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`, { name: 'quota.html' });
  await shop.ranked(page, 'w', { model: true });
  await shop.track(page, { type: 'view', itemId: id(3) });
  await page.evaluate(() => {
    const quota = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    IDBObjectStore.prototype.put = quota;
    IDBObjectStore.prototype.add = quota;
  });
  const before = await shop.rankedCount(page, 'w');
  await shop.track(page, { type: 'view', itemId: id(15) });
  await expect.poll(() => errorTypes(shop, page)).toEqual(['storagefailure']);
  expect((await shop.errors(page))[0]!.message).toMatch(/QuotaExceededError|quota/i);
  expect(await history(page)).toEqual([id(3), id(15)]);
  expect((await shop.ranked(page, 'w', { after: before })).personal).toBe(true);
  await page.reload(); // unpatched again
  await shop.ranked(page, 'w', { model: true });
  expect(await history(page)).toEqual([id(3)]);
});

test('corrupt records: skipped and reported, valid ones used, storage keeps working', async ({ shop, server, page }) => {
  await plainPage(server, page);
  const now = Date.now();
  await createDb(
    page,
    2,
    [
      { type: 'view', itemId: id(7), timestamp: now - 3000 },
      { type: 'teleport', itemId: id(8), timestamp: now - 2000 },
      { type: 'view', itemId: 42 as unknown as string, timestamp: now - 1500 },
      { type: 'view', itemId: id(19), timestamp: 'yesterday' as unknown as number },
      { type: 'cart', itemId: id(31), timestamp: now - 1000 },
    ],
    { settings: [{ key: 'optedOut', value: 'maybe' }] },
  );
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`);
  await expect.poll(() => errorTypes(shop, page)).toEqual(['storagecorrupt']);
  expect((await shop.errors(page))[0]!.message).toMatch(/3 invalid record\(s\) skipped/);
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.personal).toBe(true); // a corrupt opt-out setting is not read as "opted out"
  expect(await history(page)).toEqual([id(7), id(31)]);
  await shop.track(page, { type: 'view', itemId: id(40) });
  expect((await readDb(page)).itemIds).toContain(id(40)); // still writing to IndexedDB
});

const migrations: Array<{ from: number; events: RawEvent[]; expected: string[] }> = [
  { from: 0, events: [], expected: [] },
  {
    from: 1,
    events: [
      { type: 'view', itemId: id(4), timestamp: Date.now() - 2 * DAY },
      { type: 'search', itemId: null, query: 'coffee', timestamp: Date.now() - DAY },
      { type: 'purchase', itemId: id(16), timestamp: Date.now() - 1000 },
    ],
    expected: [id(4), null as unknown as string, id(16)],
  },
];

for (const { from, events, expected } of migrations) {
  test(`migration from schema v${from} to the current one keeps every event`, async ({ shop, server, page }) => {
    await plainPage(server, page);
    if (from > 0) await createDb(page, from, events);
    await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`);
    await shop.ranked(page, 'w', { model: true });
    expect(await errorTypes(shop, page)).toEqual([]);
    expect(await history(page)).toEqual(expected);
    expect(await readDb(page)).toEqual({ version: 2, stores: ['events', 'settings'], itemIds: expected });
    await page.evaluate(() => (window as unknown as { reco: { setOptedOut(v: boolean): Promise<void> } }).reco.setOptedOut(false)); // the v2 settings store works
    expect(await errorTypes(shop, page)).toEqual([]);
  });
}

test('a newer schema (a later widget version was here): memory fallback, its data untouched', async ({ shop, server, page }) => {
  await plainPage(server, page);
  await createDb(page, 3, [{ type: 'view', itemId: id(2), timestamp: Date.now() - 1000 }]);
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6"></reco-widget>`);
  await expect.poll(() => errorTypes(shop, page)).toEqual(['storagefailure']);
  expect((await shop.errors(page))[0]!.message).toMatch(/VersionError|version/i);
  await shop.ranked(page, 'w', { model: true });
  await shop.track(page, { type: 'view', itemId: id(5) });
  expect(await history(page)).toEqual([id(5)]);
  expect(await readDb(page)).toEqual({ version: 3, stores: ['events', 'future', 'settings'], itemIds: [id(2)] });
});

test('age bound: events older than history-max-age-days are dropped from disk on load', async ({ shop, server, page }) => {
  await plainPage(server, page);
  await createDb(page, 2, [
    { type: 'view', itemId: id(1), ageDays: 40 },
    { type: 'view', itemId: id(2), ageDays: 31 },
    { type: 'view', itemId: id(3), ageDays: 9 },
    { type: 'view', itemId: id(4), ageDays: 2 },
    { type: 'view', itemId: id(5), ageDays: 0 },
  ]);
  await shop.open(`<reco-widget id="w" ${MODEL} history-max-age-days="7"></reco-widget>`);
  await shop.ranked(page, 'w', { model: true });
  await expect.poll(async () => (await readDb(page)).itemIds).toEqual([id(4), id(5)]);
  expect(await history(page)).toEqual([id(4), id(5)]);
});
