/** The demo store is a PWA: a web manifest with icons, a service worker, and it works offline. */
import { expect, test } from '@playwright/test';
import { waitForCards, widgetItemIds } from './fixtures/store.js';

test('has a web manifest with installable icons', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const response = await request.get(href!);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = (await response.json()) as { name: string; start_url: string; display: string; icons: Array<{ src: string; sizes: string; type: string }> };
  expect(manifest.name).toContain('Northwind');
  expect(manifest.display).toBe('standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((candidate) => candidate.sizes === size && candidate.type === 'image/png');
    expect(icon, size).toBeDefined();
    const iconResponse = await request.get(icon!.src);
    expect(iconResponse.ok()).toBe(true);
    expect(iconResponse.headers()['content-type']).toBe('image/png');
  }
});

test('a service worker takes control and the store works offline afterwards', async ({ page, context }) => {
  await page.goto('/');
  await waitForCards(page, '#home-widget');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Fetch the model through the worker once, so it is cached by version.
  await page.reload();
  await waitForCards(page, '#home-widget');
  const online = await widgetItemIds(page, '#home-widget');

  await context.setOffline(true);
  try {
    // Really offline: what the worker has not cached cannot be fetched.
    const uncached = await page.evaluate(() => fetch(`/not-cached-${Date.now()}`).then(() => 'fetched', () => 'failed'));
    expect(uncached).toBe('failed');
    await page.reload();
    await waitForCards(page, '#home-widget');
    expect(await widgetItemIds(page, '#home-widget')).toEqual(online);
    await page.goto('/product.html#id=' + online[0]);
    await expect(page.locator('[data-product-title]')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
