/**
 * A synthetic, seeded model version for the widget's e2e tests and benchmark: catalog items in
 * categories (some consumable, some complementing another), item embeddings clustered by
 * category, small random encoder weights (the residual path keeps the user vector close to the
 * recent items, so browsing a category moves it up), and fallback tables. Written through the
 * real exporter, so the files are exactly what the server publishes. Any item count (1k–100k).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CatalogItem, FallbackJson, Manifest } from '../../src/model/artifacts.js';
import { defaultEncoderConfig, encoderWeightShapes } from '../../src/model/encoder.js';
import { exportModel } from '../../model-export/export.js';
import type { NamedWeight, Quantization } from '../../model-export/quantize.js';

const repoRoot = resolve(import.meta.dirname, '../..');

export interface FixtureOptions {
  items: number;
  dims?: number;
  categories?: number;
  seed?: number;
  quantization?: Quantization;
  /** Inline SVG thumbnails in the catalog (default true; the benchmark's big catalogs skip them). */
  thumbnails?: boolean;
}

export const CATEGORY_NAMES = ['Phones', 'Phone Cases', 'Laptops', 'Laptop Bags', 'Coffee Beans', 'Coffee Machines', 'Shoes', 'Socks', 'Cameras', 'Memory Cards', 'Tea', 'Books'];
/** Category index → the category that complements it (a phone → a case). */
export const COMPLEMENT: Record<number, number> = { 0: 1, 2: 3, 5: 4, 6: 7, 8: 9 };
const CONSUMABLE = new Set([4, 10]);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export const fixtureItemId = (i: number) => `P${String(i).padStart(6, '0')}`;
export const fixtureCategory = (i: number, categories = CATEGORY_NAMES.length) => i % categories;

/** A tiny inline SVG: thumbnails ship inside the catalog, so no image host learns what is shown. */
function thumbnail(hue: number): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="hsl(${hue},60%,60%)"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export async function writeFixture(outDir: string, options: FixtureOptions): Promise<Manifest> {
  const { items: n, dims = 32, categories = CATEGORY_NAMES.length, seed = 7, quantization = 'float16', thumbnails = true } = options;
  const random = mulberry32(seed);
  const config = defaultEncoderConfig({ dims, heads: 2, layers: 1, ffDims: dims * 2, maxLength: 20 });

  const centroids = Array.from({ length: categories }, () => Array.from({ length: dims }, () => gaussian(random)));
  const itemMatrix = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = centroids[fixtureCategory(i, categories)]!;
    for (let d = 0; d < dims; d++) itemMatrix[i * dims + d] = (c[d]! + 0.35 * gaussian(random)) / Math.sqrt(dims);
  }
  const weights: NamedWeight[] = [{ name: 'item_matrix', shape: [n, dims], values: itemMatrix }];
  for (const { name, shape } of encoderWeightShapes(config, n)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const constant = /gamma$/.test(name) ? 1 : /(beta|bias)$/.test(name) ? 0 : null;
    for (let k = 0; k < size; k++) values[k] = constant ?? 0.02 * gaussian(random);
    weights.push({ name, shape, values });
  }

  const catalogItems: CatalogItem[] = Array.from({ length: n }, (_, i) => {
    const c = fixtureCategory(i, categories);
    return {
      id: fixtureItemId(i),
      title: `${CATEGORY_NAMES[c % CATEGORY_NAMES.length]} ${i}`,
      category: CATEGORY_NAMES[c % CATEGORY_NAMES.length]!,
      price: Math.round((5 + random() * 200) * 100) / 100,
      ...(thumbnails ? { image: thumbnail((c * 360) / categories) } : {}),
      consumable: CONSUMABLE.has(c),
    };
  });
  const popularity = Array.from({ length: n }, () => random());
  const popular = Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[b]! - popularity[a]! || a - b).slice(0, 5000);
  const byCategory = new Map<number, number[]>();
  for (const i of popular) {
    const c = fixtureCategory(i, categories);
    byCategory.set(c, [...(byCategory.get(c) ?? []), i]);
  }
  const next: FallbackJson['next'] = {};
  for (let i = 0; i < Math.min(n, 5000); i++) {
    const c = fixtureCategory(i, categories);
    const target = COMPLEMENT[c] ?? c;
    next[String(i)] = (byCategory.get(target) ?? []).filter((j) => j !== i).slice(0, 20);
  }

  await mkdir(outDir, { recursive: true });
  const { manifest } = await exportModel(outDir, {
    config,
    weights,
    quantization,
    catalog: { items: catalogItems },
    fallback: { popular, next },
    metrics: {},
    createdAt: new Date(Date.UTC(2026, 10, 22, 12, 0, 0) + seed * 1000),
  });
  return manifest;
}

/**
 * A publish root like the server's: `<root>/<version>/…` plus latest.json. Reuses a fixture
 * already written with the same options.
 */
export async function ensureFixtureRoot(root: string, options: FixtureOptions): Promise<Manifest> {
  // Rewritten whenever the options or the model/export code change (new weights, new format).
  const code = createHash('sha256');
  for (const file of ['src/model/encoder.ts', 'src/model/scoring-model.ts', 'src/model/artifacts.ts', 'model-export/export.ts', 'model-export/quantize.ts', 'e2e/bench/widget-fixture.ts']) {
    code.update(await readFile(join(repoRoot, file)).catch(() => Buffer.alloc(0)));
  }
  const key = JSON.stringify({ options, code: code.digest('hex') });
  const stamp = join(root, 'fixture-options.json');
  const previous = await readFile(stamp, 'utf8').catch(() => '');
  if (previous === key) {
    const latest = JSON.parse(await readFile(join(root, 'latest.json'), 'utf8')) as { version: string };
    return JSON.parse(await readFile(join(root, latest.version, 'manifest.json'), 'utf8')) as Manifest;
  }
  await rm(root, { recursive: true, force: true });
  const tmp = join(root, 'incoming');
  const manifest = await writeFixture(tmp, options);
  await mkdir(root, { recursive: true });
  const { rename } = await import('node:fs/promises');
  await rename(tmp, join(root, manifest.version));
  await writeFile(join(root, 'latest.json'), JSON.stringify({ version: manifest.version }));
  await writeFile(stamp, key);
  return manifest;
}
