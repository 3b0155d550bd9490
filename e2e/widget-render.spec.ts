/** Rendering, events and real-time re-ranking of <reco-widget> (card mode). */
import { CATEGORIES, categoryOf, expect, id, test } from './bench/widget-harness.js';

const widget = (attrs = '') => `<reco-widget id="w" model="/models/latest/manifest.json" ${attrs}></reco-widget>`;

test('first visit: popular items as cards with title, price, image, part and data-item-id', async ({ shop }) => {
  const page = await shop.open(widget('limit="8"'));
  const ranked = await shop.ranked(page, 'w');
  expect(ranked.personal).toBe(false);
  expect(ranked.scenario).toBe('home');
  expect(ranked.itemIds).toHaveLength(8);
  const cards = page.locator('reco-widget li[part="item"]');
  await expect(cards).toHaveCount(8);
  await expect(cards.first()).toHaveAttribute('data-item-id', ranked.itemIds[0]!);
  await expect(cards.first().locator('[part="title"]')).not.toBeEmpty();
  await expect(cards.first().locator('[part="price"]')).toContainText('$');
  await expect(cards.first().locator('[part="image"]')).toHaveAttribute('src', /^data:image\/svg\+xml/);
  await expect(cards.first().locator('[part="reason"]')).toHaveText('Popular right now');
});

test('first visit with diversity 1 spreads the popular items over categories', async ({ shop }) => {
  const page = await shop.open(widget('limit="8" diversity="1"'));
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(new Set(ranked.itemIds.map(categoryOf)).size).toBe(8);
  const relevance = await shop.open(widget('limit="8" diversity="0"'));
  const plain = await shop.ranked(relevance, 'w', { model: true });
  expect(plain.itemIds).not.toEqual(ranked.itemIds);
});

test('home: viewing one category moves it up, explained by the viewed item, and survives a reload', async ({ shop }) => {
  const views = [3, 15, 27].map((i) => `<div data-reco-track="view" data-reco-item="${id(i)}"></div>`).join('');
  const page = await shop.open(views + widget('limit="8" diversity="0"'), { name: 'home-views.html' });
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.personal).toBe(true);
  const inCategory = ranked.itemIds.filter((x) => categoryOf(x) === 3).length;
  expect(inCategory).toBeGreaterThanOrEqual(6);
  await expect(page.locator('reco-widget li[part="item"] [part="reason"]').first()).toHaveText(/^Because you viewed /);
  const stored = await page.evaluate(() => (window as unknown as { reco: { history(): Promise<unknown[]> } }).reco.history());
  expect(stored).toHaveLength(3);
  await page.reload();
  const again = await shop.ranked(page, 'w', { model: true });
  expect(again.personal).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { reco: { history(): Promise<unknown[]> } }).reco.history())).toHaveLength(6);
});

test('a tracked event re-ranks at once, and the same history gives the same list', async ({ shop }) => {
  const page = await shop.open(widget('limit="6" diversity="0"'));
  await shop.ranked(page, 'w', { model: true });
  const before = await shop.rankedCount(page, 'w');
  const start = await page.evaluate(() => performance.now());
  await shop.track(page, { type: 'view', itemId: id(5) });
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.at - start).toBeLessThan(500); // the benchmark measures the real latency
  expect(ranked.itemIds.filter((x) => categoryOf(x) === 5).length).toBeGreaterThanOrEqual(4);
  // Same history + model → same list, in a fresh page of the same session.
  const second = await shop.open(widget('limit="6" diversity="0"'));
  expect((await shop.ranked(second, 'w', { model: true })).itemIds).toEqual(ranked.itemIds);
});

test('nothing re-renders when the order did not change', async ({ shop }) => {
  const page = await shop.open(widget('limit="6"'));
  await shop.ranked(page, 'w', { model: true });
  await page.evaluate(() => {
    const root = document.querySelector('reco-widget')!.shadowRoot!;
    (window as unknown as { __mutations: number }).__mutations = 0;
    new MutationObserver((m) => ((window as unknown as { __mutations: number }).__mutations += m.length)).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const before = await shop.rankedCount(page, 'w');
  await page.evaluate(() => (document.querySelector('reco-widget') as unknown as { rerank(): Promise<void> }).rerank());
  const ranked = await shop.ranked(page, 'w', { after: before });
  expect(ranked.changed).toBe(false);
  expect(await page.evaluate(() => (window as unknown as { __mutations: number }).__mutations)).toBe(0);
});

test('reco-click carries the item and position, and records a click on the device', async ({ shop }) => {
  const page = await shop.open(widget('limit="4"'));
  const ranked = await shop.ranked(page, 'w', { model: true });
  await page.locator('reco-widget li[part="item"]').nth(1).click();
  const clicks = await page.evaluate(() => (window as unknown as { __reco: { clicks: unknown[] } }).__reco.clicks);
  expect(clicks).toEqual([{ itemId: ranked.itemIds[1], position: 1, scenario: 'home', widget: 'w' }]);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { reco: { history(): Promise<Array<{ type: string; itemId: string }>> } }).reco.history()))
    .toEqual([expect.objectContaining({ type: 'click', itemId: ranked.itemIds[1] })]);
});

test('cards link to the product when item-href is set', async ({ shop }) => {
  const page = await shop.open(widget('limit="2" item-href="/product.html?id={id}"'));
  const ranked = await shop.ranked(page, 'w');
  await expect(page.locator('reco-widget [part="link"]').first()).toHaveAttribute('href', `/product.html?id=${ranked.itemIds[0]}`);
});

test('an invalid attribute emits error and the widget keeps working with the default', async ({ shop }) => {
  const page = await shop.open(widget('scenario="checkout" limit="500"'));
  const ranked = await shop.ranked(page, 'w');
  expect(ranked.scenario).toBe('home');
  expect(ranked.itemIds).toHaveLength(8);
  const errors = await shop.errors(page);
  expect(errors.map((e) => e.type)).toEqual(['invalidattribute', 'invalidattribute']);
  expect(errors[0]!.message).toContain('"scenario"');
  expect(errors[1]!.message).toContain('"limit"');
});

test('theming: --reco-* custom properties reach the parts', async ({ shop }) => {
  const page = await shop.open(`<style>reco-widget{--reco-card-background: rgb(1, 2, 3)} reco-widget::part(title){color: rgb(4, 5, 6)}</style>` + widget('limit="2"'));
  await shop.ranked(page, 'w');
  const item = page.locator('reco-widget li[part="item"]').first();
  await expect(item).toHaveCSS('background-color', 'rgb(1, 2, 3)');
  await expect(item.locator('[part="title"]')).toHaveCSS('color', 'rgb(4, 5, 6)');
  expect(CATEGORIES).toBe(12);
});
