/**
 * Malformed or hostile artifacts (manifest, model.json, weights, catalog, fallback): each one is
 * refused with an `error` event naming the file and field, the merchant's own order (or the
 * fallback ranking) stands, and nothing in a catalog field ever runs as script.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Manifest } from '../src/model/artifacts.js';
import { expect, id, test } from './bench/widget-harness.js';

type Files = Map<string, Buffer>;
interface Variant {
  /** Edits the version's files (keys: paths relative to manifest.json). */
  files?: (files: Files) => void;
  /** Edits the manifest after sha256/bytes were recomputed for the edited files. */
  manifest?: (manifest: Record<string, unknown>) => unknown;
  /** Replaces manifest.json's bytes outright. */
  manifestBytes?: Buffer;
}

const json = (files: Files, path: string) => JSON.parse(files.get(path)!.toString('utf8'));
const setJson = (files: Files, path: string, value: unknown) => files.set(path, Buffer.from(JSON.stringify(value)));

/** Writes `<publishRoot>/<name>/`: a copy of the fixture version with the variant's edits, hashes made consistent. */
async function publishVariant(publishRoot: string, base: Manifest, name: string, variant: Variant): Promise<string> {
  const dir = join(publishRoot, name);
  await rm(dir, { recursive: true, force: true });
  await cp(join(publishRoot, base.version), dir, { recursive: true });
  const files: Files = new Map();
  for (const path of Object.keys(base.files)) files.set(path, await readFile(join(dir, path)));
  variant.files?.(files);
  const manifest: Record<string, unknown> = { ...base, version: name, files: {} };
  for (const [path, data] of files) {
    await writeFile(join(dir, path), data);
    (manifest['files'] as Record<string, unknown>)[path] = { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
  }
  const edited = variant.manifest?.(manifest) ?? manifest;
  await writeFile(join(dir, 'manifest.json'), variant.manifestBytes ?? JSON.stringify(edited));
  return `/models/${name}/manifest.json`;
}

/** Sets one float16 value (little-endian) of weights.bin at element `index` of the weight named `name`. */
function poisonFloat16(files: Files, name: string, index: number, bits: number): void {
  const model = json(files, 'model.json') as { weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }> };
  let offset = 0;
  for (const w of model.weightsManifest.flatMap((g) => g.weights)) {
    if (w.name === name) break;
    offset += w.shape.reduce((a, b) => a * b, 1) * 2;
  }
  const weights = Buffer.from(files.get('weights.bin')!);
  weights.writeUInt16LE(bits, offset + index * 2);
  files.set('weights.bin', weights);
}
const FLOAT16_NAN = 0x7e00;
const FLOAT16_INFINITY = 0x7c00;

const MERCHANT_ORDER = [5, 1, 9, 3];
const merchantList = MERCHANT_ORDER.map((i) => `<div data-item-id="${id(i)}">item ${i}</div>`).join('');
const childOrder = (page: Page) => page.locator('reco-widget > [data-item-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id')));

/** Refused before any ranking: `loadfailure`, and the merchant's list stays as it was. */
const shopCases: Array<[string, Variant, RegExp]> = [
  ['manifest is not JSON', { manifestBytes: Buffer.from('<html>oops</html>') }, /manifest\.json: field "\(root\)" must be JSON/],
  ['manifest lacks the catalog', { manifest: (m) => ({ ...m, catalog: undefined }) }, /field "catalog" must be a non-empty string/],
  ['manifest itemCount has the wrong type', { manifest: (m) => ({ ...m, itemCount: '600' }) }, /field "itemCount" must be a positive integer \(value: "600"\)/],
  ['manifest schema is unknown', { manifest: (m) => ({ ...m, schema: 2 }) }, /field "schema" must be 1 \(value: 2\)/],
  ['manifest path escapes the version', { manifest: (m) => ({ ...m, catalog: '../../pages/secret.json' }) }, /field "catalog" must be a path relative to manifest\.json/],
  ['manifest points at another origin', { manifest: (m) => ({ ...m, fallback: 'https://evil.example/f.json' }) }, /field "fallback" must be a path relative/],
  ['manifest announces an absurd size', { manifest: (m) => ({ ...m, files: { ...(m['files'] as object), 'catalog.json': { sha256: 'a'.repeat(64), bytes: 2 ** 40 } } }) }, /files\["catalog\.json"\]\.bytes" must be a byte count up to/],
  ['manifest is huge (2 MiB)', { manifestBytes: Buffer.from(`{"schema":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`) }, /manifest\.json: bytes does not match the manifest \(expected at most 1048576/],
  ['catalog fails its sha256', { manifest: (m) => ({ ...m, files: { ...(m['files'] as object), 'catalog.json': { ...(m['files'] as Record<string, object>)['catalog.json'], sha256: 'b'.repeat(64) } } }) }, /catalog\.json: sha256 does not match the manifest/],
  ['catalog is far larger than announced', { files: (f) => f.set('catalog.json', Buffer.concat([f.get('catalog.json')!, Buffer.alloc(20 * 1024 * 1024, 32)])), manifest: (m) => ({ ...m, files: { ...(m['files'] as object), 'catalog.json': { sha256: 'c'.repeat(64), bytes: 1000 } } }) }, /catalog\.json: bytes does not match the manifest \(expected at most 1000/],
  ['catalog has one item fewer than itemCount', { files: (f) => setJson(f, 'catalog.json', { items: json(f, 'catalog.json').items.slice(1) }) }, /field "items\.length" must be the manifest's itemCount 600 \(value: 599\)/],
  ['catalog title is not a string', { files: (f) => { const c = json(f, 'catalog.json'); c.items[7].title = { html: '<b>x</b>' }; setJson(f, 'catalog.json', c); } }, /field "items\[7\]\.title" must be a string/],
  ['catalog price is not finite', { files: (f) => { const c = json(f, 'catalog.json'); c.items[2].price = '1e999'; setJson(f, 'catalog.json', c); } }, /field "items\[2\]\.price" must be a finite number or null/],
  ['catalog repeats an id', { files: (f) => { const c = json(f, 'catalog.json'); c.items[4].id = c.items[3].id; setJson(f, 'catalog.json', c); } }, /field "items\[4\]\.id" must be unique/],
  ['catalog lacks items', { files: (f) => setJson(f, 'catalog.json', { products: [] }) }, /field "items" must be an array/],
  ['fallback names a row past the catalog', { files: (f) => { const b = json(f, 'fallback.json'); b.popular[0] = 600; setJson(f, 'fallback.json', b); } }, /field "popular\[0\]" must be an item index in \[0, 600\) \(value: 600\)/],
  ['fallback next holds a string', { files: (f) => { const b = json(f, 'fallback.json'); b.next['3'] = ['1']; setJson(f, 'fallback.json', b); } }, /field "next\["3"\]\[0\]" must be an item index/],
];

for (const [name, variant, message] of shopCases) {
  test(`refused (loadfailure): ${name}`, async ({ shop, publishRoot, manifest }) => {
    const url = await publishVariant(publishRoot, manifest, `bad-${name.replace(/\W+/g, '-')}`, variant);
    const page = await shop.open(`<reco-widget id="w" model="${url}">${merchantList}</reco-widget>`);
    await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toEqual(['loadfailure']);
    expect((await shop.errors(page))[0]!.message).toMatch(message);
    expect(await childOrder(page)).toEqual(MERCHANT_ORDER.map(id));
    await expect(page.locator('reco-widget > [data-item-id]').first()).toBeVisible();
    expect(await shop.rankedCount(page, 'w')).toBe(0);
  });
}

/** The shop artifacts are fine, the model is not: `modelfailure`, and the fallback tables rank. */
const modelCases: Array<[string, Variant, RegExp]> = [
  ['NaN in the item matrix', { files: (f) => poisonFloat16(f, 'item_matrix', 5 * 32 + 1, FLOAT16_NAN) }, /field "item_matrix\[5\]" must be finite numbers \(value: "NaN"\)/],
  ['Infinity in an encoder weight', { files: (f) => poisonFloat16(f, 'positions', 3, FLOAT16_INFINITY) }, /field "scores\[\d+\] \(encoder weights\)" must be finite numbers/],
  ['a weight of the wrong shape', { files: (f) => { const m = json(f, 'model.json'); m.weightsManifest[0].weights[0].shape = [600, 16]; setJson(f, 'model.json', m); } }, /weights: \d+ bytes, but model\.json's weightsManifest describes \d+/],
  ['weightsManifest missing', { files: (f) => { const m = json(f, 'model.json'); delete m.weightsManifest; setJson(f, 'model.json', m); } }, /field "weightsManifest" must be an array/],
  ['truncated weights (sha256 of the short file is listed)', { files: (f) => f.set('weights.bin', f.get('weights.bin')!.subarray(0, 1000)) }, /weights: 1000 bytes, but model\.json's weightsManifest describes/],
];

for (const [name, variant, message] of modelCases) {
  test(`refused (modelfailure), fallback ranks: ${name}`, async ({ shop, publishRoot, manifest }) => {
    const url = await publishVariant(publishRoot, manifest, `badmodel-${name.replace(/\W+/g, '-')}`, variant);
    const page = await shop.open(`<reco-widget id="w" model="${url}" limit="5"></reco-widget>`);
    await expect.poll(async () => (await shop.errors(page)).map((e) => e.type)).toEqual(['modelfailure']);
    expect((await shop.errors(page))[0]!.message).toMatch(message);
    const ranked = await shop.ranked(page, 'w');
    expect(ranked.backend).toBe('fallback');
    await expect(page.locator('reco-widget li[part="item"]')).toHaveCount(5);
  });
}

test('no script runs from catalog fields: titles and categories are text, unsafe images dropped', async ({ shop, publishRoot, manifest, page, server }) => {
  const payloads = [
    `<img src=x onerror="window.__pwned='img-title'">`,
    `<script>window.__pwned='script-title'</script>`,
    `"><svg onload="window.__pwned='svg-title'">`,
    `{{constructor.constructor('window.__pwned=1')()}}`,
  ];
  const images = [
    `javascript:window.__pwned='js-image'`,
    `data:text/html,<script>window.__pwned='data-html'</script>`,
    `https://evil.example/track.gif`,
    `x" onerror="window.__pwned='attr-image'`,
  ];
  const url = await publishVariant(publishRoot, manifest, 'hostile-xss', {
    files: (f) => {
      const c = json(f, 'catalog.json');
      c.items.forEach((item: Record<string, unknown>, i: number) => {
        item['title'] = `${payloads[i % payloads.length]} #${i}`;
        item['category'] = `<img src=x onerror="window.__pwned='category'">${String(item['category'])}`;
        item['image'] = images[i % images.length];
      });
      setJson(f, 'catalog.json', c);
    },
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  const thirdParty: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(server.origin + '/') && !r.url().startsWith('data:')) thirdParty.push(r.url());
  });
  await shop.open(`<div data-reco-track="view" data-reco-item="${id(0)}"></div><reco-widget id="w" model="${url}" limit="8" item-href="/p?id={id}" activity="button"></reco-widget>`);
  const ranked = await shop.ranked(page, 'w', { model: true });
  expect(ranked.itemIds).toHaveLength(8);
  await page.locator('reco-widget [part="activity-button"]').click();
  await expect(page.locator('reco-widget [part="activity-list"]')).toContainText(payloads[0]!);
  const shown = await page.locator('reco-widget').evaluate((el) => {
    const root = el.shadowRoot!;
    return {
      titles: [...root.querySelectorAll('[part="title"]')].map((t) => ({ text: t.textContent, children: t.children.length })),
      scripts: root.querySelectorAll('script, svg, iframe, object, embed').length,
      handlers: [...root.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
      images: [...root.querySelectorAll('img')].map((img) => img.getAttribute('src')),
      reasons: [...root.querySelectorAll('[part="reason"]')].map((r) => r.textContent),
      activity: root.querySelector('[part="activity-list"]')?.querySelectorAll('img, script, svg').length ?? -1,
    };
  });
  expect(shown.titles).toHaveLength(8);
  for (const title of shown.titles) {
    expect(title.children).toBe(0);
    expect(payloads.some((p) => title.text!.startsWith(p))).toBe(true); // the raw text, shown as text
  }
  expect(shown.scripts).toBe(0);
  expect(shown.handlers).toBe(0);
  expect(shown.activity).toBe(0);
  for (const src of shown.images) expect(src!.startsWith(`${server.origin}/models/hostile-xss/x%22%20onerror=`)).toBe(true);
  expect(shown.reasons.some((r) => r!.includes(payloads[0]!))).toBe(true); // "Because you viewed <img …>" as text
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(thirdParty).toEqual([]);
  expect(await shop.errors(page)).toEqual([]);
});
