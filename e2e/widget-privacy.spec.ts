/**
 * The privacy guarantee: a whole browsing session (views, cart, purchase, search, clicks, several
 * widgets, re-rank mode) makes no request that carries behaviour or a derived profile, and no
 * request to an image host (thumbnails ship inside the catalog).
 */
import { expect, id, test } from './bench/widget-harness.js';

const MODEL = 'model="/models/latest/manifest.json"';

test('no request carries events, item ids of the session, queries or rankings', async ({ shop, page, server }) => {
  const seen: Array<{ url: string; method: string; body: string }> = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('data:')) seen.push({ url: request.url(), method: request.method(), body: request.postData() ?? '' });
  });
  const serverBefore = server.requests.length;
  const viewed = [id(101), id(113), id(125)];
  await shop.open(
    `${viewed.map((v) => `<div data-reco-track="view" data-reco-item="${v}"></div>`).join('')}
     <button id="cart" data-reco-track="cart" data-reco-item="${id(137)}">Add</button>
     <button id="buy" data-reco-track="purchase" data-reco-item="${id(149)}">Buy</button>
     <form data-reco-track="search" onsubmit="event.preventDefault()"><input name="q" value="secret-query-term"><button id="go">Search</button></form>
     <reco-widget id="a" ${MODEL} limit="8"></reco-widget>
     <reco-widget id="b" ${MODEL} scenario="cart" limit="4"></reco-widget>
     <reco-widget id="c" ${MODEL} scenario="search"><p data-item-id="${id(1)}">1</p><p data-item-id="${id(2)}">2</p></reco-widget>`,
    { name: 'privacy.html' },
  );
  await shop.ranked(page, 'a', { model: true });
  await page.click('#cart');
  await page.click('#buy');
  await page.click('#go');
  await page.locator('#a li[part="item"]').first().click();
  await page.reload();
  const ranked = await shop.ranked(page, 'a', { model: true });
  await page.locator('#a [part="activity-button"]').click();

  const behaviour = [...viewed, id(137), id(149), 'secret-query-term', ...ranked.itemIds];
  const logged = [...seen, ...server.requests.slice(serverBefore).map((r) => ({ ...r, url: server.origin + r.url }))];
  expect(logged.length).toBeGreaterThan(0);
  for (const request of logged) {
    expect(request.method, request.url).toBe('GET');
    expect(request.body, request.url).toBe('');
    expect(new URL(request.url).origin, 'no third party (image host, analytics)').toBe(server.origin);
    expect(new URL(request.url).pathname).toMatch(/^\/((lib|models|pages)\/|favicon\.ico$)/);
    for (const token of behaviour) expect(decodeURIComponent(request.url), `${request.url} leaks ${token}`).not.toContain(token);
  }
  // Card thumbnails are inline, so rendering the ranked list asks no host for anything.
  const sources = await page.locator('#a [part="image"]').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''));
  expect(sources.every((s) => s.startsWith('data:'))).toBe(true);
});
