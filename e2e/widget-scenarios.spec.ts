/** Every scenario, the exclusion rules, several widgets per page, re-rank mode and consent. */
import { categoryOf, expect, id, test } from './bench/widget-harness.js';
import { COMPLEMENT } from './bench/widget-fixture.js';

const MODEL = 'model="/models/latest/manifest.json"';
type Api = { reco: { history(): Promise<Array<{ type: string; itemId: string | null }>> } };

test('product: items similar to the current one, the current item excluded', async ({ shop }) => {
  const current = id(8); // category 8
  const page = await shop.open(`<reco-widget id="w" ${MODEL} scenario="product" item="${current}" limit="6" diversity="0"></reco-widget>`);
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.itemIds).not.toContain(current);
  expect(ranked.itemIds.every((x) => categoryOf(x) === 8)).toBe(true);
  await expect(page.locator('reco-widget [part="reason"]').first()).toHaveText(/^Similar to /);
});

test('product: blended with the shopper’s taste', async ({ shop }) => {
  const current = id(8);
  const plainPage = await shop.open(`<reco-widget id="w" ${MODEL} scenario="product" item="${current}" limit="8" diversity="0.5"></reco-widget>`);
  const plain = await shop.ranked(plainPage, 'w', { model: true });
  for (const i of [9, 21, 33, 45]) await shop.track(plainPage, { type: 'view', itemId: id(i) }); // category 9
  const tasted = await shop.open(`<reco-widget id="w" ${MODEL} scenario="product" item="${current}" limit="8" diversity="0.5"></reco-widget>`);
  const blended = await shop.ranked(tasted, 'w', { model: true });
  const taste = (ids: string[]) => ids.filter((x) => categoryOf(x) === 9).length;
  expect(taste(blended.itemIds)).toBeGreaterThan(taste(plain.itemIds));
  expect(blended.itemIds.filter((x) => categoryOf(x) === 8).length).toBeGreaterThan(0);
});

test('cart: complements of the cart, cart items excluded', async ({ shop }) => {
  const phone = id(12); // category 0 (phones) → complement category 1 (cases)
  const page = await shop.open(`<button id="add" data-reco-track="cart" data-reco-item="${phone}">Add</button>
    <reco-widget id="w" ${MODEL} scenario="cart" limit="6" diversity="0"></reco-widget>`);
  await shop.ranked(page, 'w', { model: true });
  const before = await shop.rankedCount(page, 'w');
  await page.click('#add');
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.itemIds).not.toContain(phone);
  expect(categoryOf(ranked.itemIds[0]!)).toBe(COMPLEMENT[0]);
  await expect(page.locator('reco-widget [part="reason"]').first()).toHaveText(`Goes with Phones 12`);
});

test('post-purchase: accessories; purchased non-consumables excluded, consumables kept', async ({ shop }) => {
  const machine = id(5); // Coffee Machines → complement Coffee Beans (4, consumable)
  const beans = id(16); // a consumable among the machine's usual complements
  const page = await shop.open(`<reco-widget id="w" ${MODEL} scenario="post-purchase" limit="40" diversity="0"></reco-widget>`);
  await shop.ranked(page, 'w', { model: true });
  await shop.track(page, { type: 'purchase', itemId: beans });
  const before = await shop.rankedCount(page, 'w');
  await shop.track(page, { type: 'purchase', itemId: machine });
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.itemIds).not.toContain(machine);
  expect(categoryOf(ranked.itemIds[0]!)).toBe(4);
  expect(ranked.itemIds).toContain(beans); // consumable: re-bought
});

test('home excludes cart items by default', async ({ shop }) => {
  const page = await shop.open(`<reco-widget id="w" ${MODEL} limit="8" diversity="0"></reco-widget>`);
  await shop.ranked(page, 'w', { model: true });
  await shop.track(page, { type: 'view', itemId: id(2) });
  await shop.track(page, { type: 'cart', itemId: id(2) });
  const w = await shop.ranked(page, 'w', { model: true, after: 1 });
  expect(w.itemIds).not.toContain(id(2));
});

test('several widgets on one page never repeat each other’s items', async ({ shop }) => {
  const page = await shop.open(
    ['a', 'b', 'c'].map((w) => `<reco-widget id="${w}" ${MODEL} limit="8" diversity="0"></reco-widget>`).join(''),
  );
  await shop.track(page, { type: 'view', itemId: id(3) });
  const lists = await Promise.all(['a', 'b', 'c'].map((w) => shop.ranked(page, w, { model: true })));
  await expect.poll(async () => {
    const last = await Promise.all(['a', 'b', 'c'].map((w) => shop.ranked(page, w, { model: true })));
    return new Set(last.flatMap((r) => r.itemIds)).size;
  }).toBe(24);
  expect(lists.every((l) => l.itemIds.length === 8)).toBe(true);
});

test('search: the merchant order stands without history and is re-ranked by the profile', async ({ shop }) => {
  const results = [1, 2, 3, 4, 5, 6].map((i) => `<li data-item-id="${id(i)}">${id(i)}</li>`).join('');
  const page = await shop.open(`<reco-widget id="w" ${MODEL} scenario="search"><ul>${results}</ul></reco-widget>`.replace('<ul>', '').replace('</ul>', ''));
  const order = () => page.locator('reco-widget > [data-item-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id')));
  const first = await shop.ranked(page, 'w', { model: true });
  expect(first.personal).toBe(false);
  expect(await order()).toEqual([1, 2, 3, 4, 5, 6].map(id));
  for (const i of [18, 30, 42]) await shop.track(page, { type: 'view', itemId: id(i) }); // category 6
  await expect.poll(order).not.toEqual([1, 2, 3, 4, 5, 6].map(id));
  const now = await order();
  expect(now[0]).toBe(id(6));
  expect([...now].sort()).toEqual([1, 2, 3, 4, 5, 6].map(id));
});

test('search form: declarative tracking records the query', async ({ shop }) => {
  const page = await shop.open(`<form data-reco-track="search" onsubmit="event.preventDefault()"><input name="q" value="espresso beans"><button>Go</button></form>`);
  await page.click('button');
  await expect.poll(() => page.evaluate(() => (window as unknown as Api).reco.history())).toEqual([expect.objectContaining({ type: 'search', query: 'espresso beans' })]);
});

test('re-rank mode without the model: the merchant order stands (progressive enhancement)', async ({ shop, server }) => {
  server.faults.set('/models/latest/manifest.json', '404');
  const page = await shop.open(`<reco-widget id="w" ${MODEL} scenario="search"><p data-item-id="${id(2)}">B</p><p data-item-id="${id(1)}">A</p></reco-widget>`);
  await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toContain('loadfailure');
  await expect(page.locator('reco-widget > p')).toHaveText(['B', 'A']);
  await expect(page.locator('reco-widget > p').first()).toBeVisible();
});

test('consent="denied": nothing is recorded and the list is unpersonalised', async ({ shop }) => {
  const page = await shop.open(
    `<div data-reco-track="view" data-reco-item="${id(3)}"></div><reco-widget id="w" ${MODEL} consent="denied" limit="4"></reco-widget>`,
  );
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.personal).toBe(false);
  await shop.track(page, { type: 'view', itemId: id(4) });
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toEqual([]);
  await page.evaluate(() => document.querySelector('reco-widget')!.setAttribute('consent', 'granted'));
  await shop.track(page, { type: 'view', itemId: id(4) });
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toHaveLength(1);
});

test('your activity: lists what is stored, erases it, and opting out stops recording', async ({ shop }) => {
  const page = await shop.open(`<reco-widget id="w" ${MODEL} limit="4"></reco-widget>`);
  await shop.ranked(page, 'w', { model: true });
  await shop.track(page, { type: 'view', itemId: id(7) });
  await shop.track(page, { type: 'search', query: 'tea' });
  await page.locator('reco-widget [part="activity-button"]').click();
  const list = page.locator('reco-widget [part="activity-list"] li');
  await expect(list).toHaveCount(2);
  await expect(list.first()).toContainText('“tea”');
  await expect(list.nth(1)).toContainText('Socks 7');
  await page.locator('reco-widget [part="activity-erase"]').click();
  await expect(list).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toEqual([]);
  await page.locator('reco-widget [part="activity-optout"]').click();
  await expect(page.locator('reco-widget [part="activity-optout"]')).toHaveText(/Turn personalisation on/);
  await shop.track(page, { type: 'view', itemId: id(8) });
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toEqual([]);
  await page.reload();
  await shop.track(page, { type: 'view', itemId: id(8) });
  expect(await page.evaluate(() => (window as unknown as Api).reco.history())).toEqual([]);
});

test('storage is bounded by count (history-max-events)', async ({ shop }) => {
  const page = await shop.open(`<reco-widget id="w" ${MODEL} history-max-events="3"></reco-widget>`);
  for (const i of [1, 2, 3, 4, 5]) await shop.track(page, { type: 'view', itemId: id(i) });
  const stored = await page.evaluate(() => (window as unknown as Api).reco.history());
  expect(stored.map((e) => e.itemId)).toEqual([3, 4, 5].map(id));
});
