/**
 * A strict Content Security Policy, sent as a response header: no 'unsafe-eval', no
 * 'unsafe-inline'. The widget must rank with the model on every backend it may choose, with no
 * CSP violation (so no eval / new Function in tfjs or Lit), and its styles must apply.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Shop } from './bench/widget-harness.js';

/**
 * The smallest policy that works (documented in docs/widget.md, "Content Security Policy").
 * connect-src needs data: because the one-file library build inlines the .wasm as a data: URL,
 * which tfjs fetches.
 */
const STRICT = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' data:; img-src 'self' data:; base-uri 'none'; object-src 'none'";
const WIDGET = (backend: string) => `<reco-widget id="w" model="/models/latest/manifest.json" backend="${backend}" limit="6"></reco-widget>`;

/** Records every CSP violation from the start of the page. */
function captureViolations(): void {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}: ${e.sample}`));
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

async function openUnderCsp(shop: Shop, page: Page, body: string, policy: string): Promise<Page> {
  await page.context().addInitScript(captureViolations);
  return shop.open(body, { headers: { 'content-security-policy': policy } });
}

for (const backend of ['cpu', 'wasm', 'webgl', 'auto']) {
  test(`strict CSP without unsafe-eval: ranks with the model on ${backend}`, async ({ shop, page }) => {
    await openUnderCsp(shop, page, WIDGET(backend), STRICT);
    expect(await page.evaluate(() => document.querySelector('meta[http-equiv]') === null)).toBe(true); // the header, not a meta tag
    const ranked = await shop.ranked(page, 'w', { model: true });
    if (backend !== 'auto') expect(ranked.backend).toBe(backend);
    expect(['cpu', 'wasm', 'webgl', 'webgpu']).toContain(ranked.backend);
    await expect(page.locator('reco-widget li[part="item"]')).toHaveCount(6);
    // Lit's adopted stylesheet applies although style-src allows nothing.
    expect(await page.locator('reco-widget [part="list"]').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    await expect(page.locator('reco-widget [part="image"]').first()).toHaveAttribute('src', /^data:image\/svg\+xml/);
    expect(await page.locator('reco-widget [part="image"]').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await violations(page)).toEqual([]);
    expect(await shop.errors(page)).toEqual([]);
  });
}

test("without data: in connect-src the inlined wasm binary cannot load, and the widget still ranks on another backend", async ({ shop, page }) => {
  await openUnderCsp(shop, page, WIDGET('wasm'), STRICT.replace("connect-src 'self' data:", "connect-src 'self'"));
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.backend).not.toBe('wasm');
  await expect.poll(() => violations(page)).toContainEqual(expect.stringMatching(/^connect-src blocked data/));
  expect(await shop.errors(page)).toEqual([]);
});

test("without 'wasm-unsafe-eval' the wasm backend is refused (a violation), and the widget still ranks on another", async ({ shop, page }) => {
  await openUnderCsp(shop, page, WIDGET('wasm'), STRICT.replace(" 'wasm-unsafe-eval'", ''));
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.backend).not.toBe('wasm');
  await expect.poll(() => violations(page)).toContainEqual(expect.stringMatching(/^script-src blocked wasm-eval/));
  expect(await shop.errors(page)).toEqual([]);
});
