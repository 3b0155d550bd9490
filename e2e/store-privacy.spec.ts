/**
 * The privacy promise, checked on the wire: during a whole browsing session (views, a cart, a
 * search, a purchase) no request — from the pages or from the service worker — carries an item
 * the shopper touched, the search text or any event data; and what the server is asked for is the
 * same set of files whatever the shopper did.
 */
import { expect, test, type Browser, type Request } from '@playwright/test';
import { fetchCatalog, storedHistory, waitForCards, waitForEvent, type TestCatalog } from './fixtures/store.js';

interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  fromServiceWorker: boolean;
  navigation: boolean;
}

interface Session {
  requests: RecordedRequest[];
  /** Strings that must never leave the browser: touched item ids and the query. */
  secrets: string[];
}

/** One shopper's session in a fresh browser profile, recording every request of the context. */
async function browse(browser: Browser, catalog: TestCatalog, department: string, query: string): Promise<Session> {
  const context = await browser.newContext();
  const pending: Array<Promise<RecordedRequest>> = [];
  const record = async (request: Request): Promise<RecordedRequest> => ({
    url: request.url(),
    method: request.method(),
    headers: await request.allHeaders().catch(() => request.headers()),
    body: request.postData(),
    fromServiceWorker: request.serviceWorker() !== null,
    navigation: request.isNavigationRequest(),
  });
  context.on('request', (request) => pending.push(record(request)));
  const page = await context.newPage();
  const products = catalog.items.filter((item) => item.category === department).slice(0, 3);
  const secrets = [query, encodeURIComponent(query)];

  await page.goto('/');
  await waitForCards(page, '#home-widget');
  for (const product of products.slice(0, 2)) {
    await page.locator(`#departments a.card[data-item-id="${product.id}"]`).click();
    await expect(page.locator('[data-product-title]')).toHaveText(product.title);
    await waitForEvent(page, 'view', product.id);
    secrets.push(product.id);
    await page.goto('/');
  }
  // Add the third product to the cart from its page, then search and buy.
  const third = products[2]!;
  await page.goto(`/product.html#id=${third.id}`);
  await waitForEvent(page, 'view', third.id);
  await page.locator('#add-to-cart').click();
  await waitForEvent(page, 'cart', third.id);
  secrets.push(third.id);
  await page.locator('header form.search input[name="q"]').fill(query);
  await page.locator('header form.search button').click();
  await expect(page.locator('#search-widget > a.card').first()).toBeVisible();
  await expect.poll(async () => (await storedHistory(page)).some((event) => event.type === 'search')).toBe(true);
  await page.goto('/cart.html');
  await page.locator('#checkout').click();
  await waitForEvent(page, 'purchase', third.id);
  await waitForCards(page, '#post-purchase-widget');
  // Let the service worker finish caching the shell, so both sessions ask for everything.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.goto('/');
  await waitForCards(page, '#home-widget');
  await context.close();
  return { requests: await Promise.all(pending), secrets };
}

function origin(url: string): string {
  return new URL(url).origin;
}

test('no request of a browsing session carries behaviour, and every shopper makes the same ones', async ({ browser, request, baseURL }) => {
  test.setTimeout(120_000);
  const catalog = await fetchCatalog(request);
  const departments = [...new Set(catalog.items.map((item) => item.category))];
  const words = (name: string) => name.split(/\W+/)[0]!.toLowerCase();
  const first = await browse(browser, catalog, departments[0]!, words(departments[1]!));
  const second = await browse(browser, catalog, departments[2]!, words(departments[3]!));

  for (const session of [first, second]) {
    const network = session.requests.filter((r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:'));
    expect(network.length).toBeGreaterThan(0);
    // The service worker's own requests are part of the record.
    expect(network.some((r) => r.fromServiceWorker), 'requests from the service worker were recorded').toBe(true);
    for (const r of network) {
      const where = `${r.method} ${r.url}`;
      expect(origin(r.url), where).toBe(new URL(baseURL!).origin);
      expect(['GET', 'HEAD'], where).toContain(r.method);
      expect(r.body, where).toBeNull();
      expect(new URL(r.url).search, where).toBe('');
      expect(r.headers.cookie, where).toBeUndefined();
      const wire = `${r.url}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`;
      for (const secret of session.secrets) expect(wire, `${where} carries "${secret}"`).not.toContain(secret);
      for (const word of ['"type":', 'itemId']) expect(wire, `${where} carries ${word}`).not.toContain(word);
    }
  }

  // What the server learns is the same for both shoppers: the same files, nothing per person.
  const asked = (session: Session) =>
    [...new Set(session.requests.filter((r) => r.url.startsWith('http')).map((r) => `${r.method} ${new URL(r.url).pathname}`))].sort();
  expect(asked(first)).toEqual(asked(second));
  expect(asked(first)).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/models\/[^/]+\/catalog\.json$/), expect.stringMatching(/^GET \/models\/[^/]+\/weights\.bin$/)]));
});
