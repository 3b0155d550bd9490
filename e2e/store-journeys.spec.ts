/**
 * The foundation journeys of the demo store: it loads and the widget renders products; browsing
 * one department moves that department up in the home widget; events survive a reload.
 */
import { expect, test } from '@playwright/test';
import { fetchCatalog, rankingsOf, recordRankings, storedHistory, viewProductFromHome, waitForCards, widgetItemIds } from './fixtures/store.js';

test('the store loads and the home widget renders products from the catalog', async ({ page, request }) => {
  const catalog = await fetchCatalog(request);
  await page.goto('/');
  await expect(page).toHaveTitle(/Northwind Goods/);
  await waitForCards(page, '#home-widget');
  const shown = await widgetItemIds(page, '#home-widget');
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThanOrEqual(8);
  for (const id of shown) expect(catalog.byId.has(id), id).toBe(true);
  expect(new Set(shown).size).toBe(shown.length);
  // The merchant's own listing is there too, one section per department.
  await expect(page.locator('#departments section.department').first()).toBeVisible();
  const departments = await page.locator('#departments section.department').count();
  expect(departments).toBe(new Set(catalog.items.map((item) => item.category)).size);
  // A widget card links to the store's product page for that item.
  const firstLink = page.locator('#home-widget li[part="item"] a').first();
  await expect(firstLink).toHaveAttribute('href', `product.html#id=${encodeURIComponent(shown[0]!)}`);
});

test('every page renders its widget: product, cart, search (re-rank mode)', async ({ page, request }) => {
  const catalog = await fetchCatalog(request);
  await recordRankings(page);
  const item = catalog.items[0]!;
  await page.goto(`/product.html#id=${item.id}`);
  await expect(page.locator('[data-product-title]')).toHaveText(item.title);
  await waitForCards(page, '#product-widget');
  expect(await widgetItemIds(page, '#product-widget')).not.toContain(item.id);

  await page.locator('#add-to-cart').click();
  await expect(page.locator('[data-cart-count]')).toHaveText('1');
  await page.goto('/cart.html');
  await expect(page.locator(`.cart-line[data-item-id="${item.id}"]`)).toBeVisible();
  await waitForCards(page, '#cart-widget');
  await page.locator('#checkout').click();
  await expect(page.locator('[data-cart-empty]')).toBeVisible();
  await waitForCards(page, '#post-purchase-widget');
  await expect.poll(async () => (await storedHistory(page)).filter((e) => e.type === 'purchase').map((e) => e.itemId)).toEqual([item.id]);

  // Search: the merchant's results, reordered in place by the widget; same set of products.
  const word = item.category.split(/\W+/)[0]!;
  await page.locator('header form.search input[name="q"]').fill(word);
  await page.locator('header form.search button').click();
  await expect(page).toHaveURL(/search\.html#q=/);
  const results = page.locator('#search-widget > a.card');
  await expect(results.first()).toBeVisible();
  const merchantOrder = catalog.items
    .filter((candidate) => `${candidate.title} ${candidate.brand ?? ''} ${candidate.category}`.toLowerCase().includes(word.toLowerCase()))
    .slice(0, 24)
    .map((candidate) => candidate.id);
  await expect.poll(async () => (await rankingsOf(page, 'search-widget')).length).toBeGreaterThan(0);
  const shownOrder = await results.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')));
  expect([...shownOrder].sort()).toEqual([...merchantOrder].sort());
  await expect.poll(async () => (await storedHistory(page)).some((e) => e.type === 'search')).toBe(true);
});

test('viewing several products of one department moves it up in the home widget', async ({ page, request }) => {
  const catalog = await fetchCatalog(request);
  await page.goto('/');
  await waitForCards(page, '#home-widget');
  const before = await widgetItemIds(page, '#home-widget');
  const beforeCategories = before.map(catalog.categoryOf);

  // The department the first-visit list shows least (first in catalog order among ties).
  const departments = [...new Set(catalog.items.map((item) => item.category))];
  const target = departments
    .map((name) => ({ name, shown: beforeCategories.filter((c) => c === name).length, size: catalog.items.filter((i) => i.category === name).length }))
    .filter((d) => d.size >= 4)
    .sort((a, b) => a.shown - b.shown)[0]!.name;
  const listed = await page.locator('#departments section.department').filter({ has: page.locator('h2', { hasText: target }) }).locator('a.card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')!));
  const toView = listed.slice(0, 4);
  expect(toView).toHaveLength(4);

  for (const id of toView) await viewProductFromHome(page, id);

  await page.goto('/');
  await waitForCards(page, '#home-widget');
  const rank = (ids: string[]) => {
    const categories = ids.map(catalog.categoryOf);
    const count = categories.filter((c) => c === target).length;
    const best = categories.indexOf(target);
    return { count, best: best < 0 ? ids.length : best };
  };
  const start = rank(before);
  await expect
    .poll(async () => {
      const now = rank(await widgetItemIds(page, '#home-widget'));
      return now.count > start.count && now.best < start.best;
    }, { message: `"${target}" should gain cards and places in the home widget (before: ${JSON.stringify(start)})` })
    .toBe(true);
  const after = rank(await widgetItemIds(page, '#home-widget'));
  console.log(`home widget, "${target}": ${JSON.stringify(start)} → ${JSON.stringify(after)}`);
  expect(after.best, `best position of "${target}"`).toBeLessThanOrEqual(2);
});

test('events survive a reload, and the same history gives the same ranking', async ({ page, request }) => {
  const catalog = await fetchCatalog(request);
  const [first, second] = catalog.items.filter((item) => item.category === catalog.items[0]!.category);
  await viewProductFromHome(page, first!.id);
  await viewProductFromHome(page, second!.id);
  await page.goto('/');
  await waitForCards(page, '#home-widget');
  const historyBefore = await storedHistory(page);
  expect(historyBefore.filter((e) => e.type === 'view').map((e) => e.itemId)).toEqual([first!.id, second!.id]);
  const rankingBefore = await widgetItemIds(page, '#home-widget');

  await page.reload();
  await waitForCards(page, '#home-widget');
  expect(await storedHistory(page)).toEqual(historyBefore);
  await expect.poll(() => widgetItemIds(page, '#home-widget')).toEqual(rankingBefore);

  // A second tab of the same browser profile sees the same history.
  const other = await page.context().newPage();
  await other.goto('/');
  await waitForCards(other, '#home-widget');
  expect(await storedHistory(other)).toEqual(historyBefore);
  await other.close();
});
