/** Fallbacks, offline cache, storage failures, cross-tab sync and backends: the page never breaks. */
import { categoryOf, expect, id, publishNewVersion, test } from './bench/widget-harness.js';

const MODEL = 'model="/models/latest/manifest.json"';
type Api = { reco: { history(): Promise<unknown[]> } };

test('model failure (weights fail their sha256): fallback tables rank, error is emitted', async ({ shop, server, manifest }) => {
  server.faults.set(`/broken/${manifest.version}/weights.bin`, 'tamper');
  const page = await shop.open(`<div data-reco-track="view" data-reco-item="${id(6)}"></div><reco-widget id="w" model="/broken/latest/manifest.json" limit="6"></reco-widget>`);
  await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toEqual(['modelfailure']);
  expect((await shop.errors(page))[0]!.message).toMatch(/weights\.bin: sha256 does not match the manifest/);
  const ranked = await shop.ranked(page, 'w');
  expect(ranked.backend).toBe('fallback');
  expect(ranked.personal).toBe(true);
  await expect(page.locator('reco-widget li[part="item"]')).toHaveCount(6);
  // Co-occurrence of category 6 (shoes) leads to category 7 (socks).
  expect(categoryOf(ranked.itemIds[0]!)).toBe(7);
});

test('manifest failure: error is emitted and the page is untouched', async ({ shop, server }) => {
  server.faults.set('/models/latest/manifest.json', '404');
  const page = await shop.open(`<h1>Shop</h1><reco-widget id="w" ${MODEL}></reco-widget>`);
  await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toEqual(['loadfailure']);
  await expect(page.locator('h1')).toHaveText('Shop');
  expect(await shop.rankedCount(page, 'w')).toBe(0);
});

test('IndexedDB unavailable: memory for the session, error emitted, still personalises', async ({ shop, page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
  });
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6" diversity="0"></reco-widget>`);
  await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toContain('storagefailure');
  await shop.ranked(page, 'w', { model: true });
  const before = await shop.rankedCount(page, 'w');
  await shop.track(page, { type: 'view', itemId: id(9) });
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.personal).toBe(true);
  expect(ranked.itemIds.filter((x) => categoryOf(x) === 9).length).toBeGreaterThanOrEqual(4);
});

test('IndexedDB quota exceeded on write: memory fallback, error emitted, event kept', async ({ shop, page }) => {
  await page.addInitScript(() => {
    IDBObjectStore.prototype.add = () => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    };
  });
  await shop.open(`<reco-widget id="w" ${MODEL}></reco-widget>`);
  await shop.track(page, { type: 'view', itemId: id(9) });
  await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toContain('storagefailure');
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toHaveLength(1);
});

test('works offline from the verified cache, and a new version replaces the old', async ({ shop, page, publishRoot, manifest }) => {
  await shop.open(`<reco-widget id="w" ${MODEL} limit="4"></reco-widget>`, { name: 'offline.html' });
  const online = await shop.ranked(page, 'w', { model: true });
  const versions = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('reco-widget-artifacts:')));
  await expect.poll(versions).toEqual([`reco-widget-artifacts:${manifest.version}`]);
  await page.context().route('**/models/**', (route) => route.abort());
  await page.reload();
  const offline = await shop.ranked(page, 'w', { model: true });
  expect(offline.itemIds).toEqual(online.itemIds);
  await page.context().unroute('**/models/**');
  const next = await publishNewVersion(publishRoot);
  await page.reload();
  await shop.ranked(page, 'w', { model: true });
  await expect.poll(versions).toEqual([`reco-widget-artifacts:${next}`]);
  expect(await page.evaluate(() => (document.querySelector('reco-widget') as unknown as { modelVersion: string }).modelVersion)).toBe(next);
});

test('a corrupted cached file is detected by sha256, replaced, and never used', async ({ shop, page, manifest }) => {
  await shop.open(`<reco-widget id="w" ${MODEL} limit="4"></reco-widget>`, { name: 'cache-tamper.html' });
  const clean = await shop.ranked(page, 'w', { model: true });
  const cachedBytes = () =>
    page.evaluate(async (version) => {
      const cache = await caches.open(`reco-widget-artifacts:${version}`);
      const hit = await cache.match(new URL(`/models/${version}/weights.bin`, location.href).href);
      return hit ? (await hit.arrayBuffer()).byteLength : -1;
    }, manifest.version);
  await expect.poll(cachedBytes).toBe(manifest.files['weights.bin']!.bytes);
  await page.evaluate(async (version) => {
    const cache = await caches.open(`reco-widget-artifacts:${version}`);
    await cache.put(new URL(`/models/${version}/weights.bin`, location.href).href, new Response(new Uint8Array([1, 2, 3])));
  }, manifest.version);
  await page.reload();
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.itemIds).toEqual(clean.itemIds);
  await expect.poll(cachedBytes).toBe(manifest.files['weights.bin']!.bytes);
  expect(await shop.errors(page)).toEqual([]);
});

test('an event in one tab re-ranks the widget in another tab (BroadcastChannel)', async ({ shop, page, context }) => {
  await shop.open(`<reco-widget id="w" ${MODEL} limit="6" diversity="0"></reco-widget>`, { name: 'tab.html' });
  await shop.ranked(page, 'w', { model: true });
  const other = await context.newPage();
  await shop.open('', { name: 'tab-b.html', page: other });
  const before = await shop.rankedCount(page, 'w');
  await shop.track(other, { type: 'view', itemId: id(11) });
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.itemIds.filter((x) => categoryOf(x) === 11).length).toBeGreaterThanOrEqual(4);
});

test('backend: picked by measurement, remembered, WebGPU only on a real adapter unless forced', async ({ shop, page }) => {
  await shop.open(`<reco-widget id="w" ${MODEL}></reco-widget>`, { name: 'backend.html' });
  const first = await shop.ranked(page, 'w', { model: true });
  const memory = await page.evaluate(() => JSON.parse(localStorage.getItem('reco-widget:backend') ?? 'null'));
  expect(memory.backend).toBe(first.backend);
  expect(Object.keys(memory.measurements).length).toBeGreaterThanOrEqual(2);
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null> } }).gpu;
    const a = await gpu?.requestAdapter();
    return a ? { fallback: !!(a.isFallbackAdapter || a.info?.isFallbackAdapter) } : null;
  });
  if (!adapter || adapter.fallback) expect(first.backend).not.toBe('webgpu');
  await page.reload();
  const second = await shop.ranked(page, 'w', { model: true });
  expect(second.backend).toBe(first.backend);
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem('reco-widget:backend') ?? 'null'));
  expect(after.measuredAt).toBe(memory.measuredAt); // remembered, not measured again
  if (adapter) {
    await shop.open(`<reco-widget id="w" ${MODEL} backend="webgpu"></reco-widget>`);
    expect((await shop.ranked(page, 'w', { model: true })).backend).toBe('webgpu');
  }
});

test('results agree across backends', async ({ shop, page }) => {
  test.setTimeout(120_000);
  const hasAdapter = await (async () => {
    await shop.open('');
    return page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
  })();
  const backends = ['cpu', 'wasm', 'webgl', ...(hasAdapter ? ['webgpu'] : [])];
  const views = [3, 15, 40, 41].map((i) => `<div data-reco-track="view" data-reco-item="${id(i)}"></div>`).join('');
  const lists: Record<string, string[]> = {};
  await shop.open(views); // the same history for every backend
  for (const backend of backends) {
    await shop.open(`<reco-widget id="w" ${MODEL} backend="${backend}" limit="8" diversity="0.3"></reco-widget>`);
    const ranked = await shop.ranked(page, 'w', { model: true });
    expect(ranked.backend).toBe(backend);
    lists[backend] = ranked.itemIds;
  }
  for (const backend of backends) expect(lists[backend], backend).toEqual(lists['cpu']);
});
