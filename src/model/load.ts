/**
 * Loads what a widget ranks with, in two steps so the first render never waits for tfjs:
 * 1. shop artifacts (manifest, catalog, fallback tables): small JSON, no tfjs;
 * 2. the scoring model: tfjs + a backend + weights, all lazy, verified by sha256 and cached by version.
 * Both are memoised per manifest URL, so every widget on a page shares one copy.
 */
import type { CatalogJson, FallbackJson, Manifest, ModelJson } from './artifacts.js';
import { dropOtherVersions, fetchManifest, fetchVerified } from './artifact-cache.js';
import { chooseBackend, loadTf, type BackendChoice, type BackendName, type BackendRequest } from './backend.js';
import { ArtifactFormatError, parseManifest } from './manifest.js';
import type { ScoringModel } from './scoring-model.js';

export interface ShopArtifacts {
  manifest: Manifest;
  /** The manifest's final URL (after redirects): every path resolves against it. */
  manifestUrl: string;
  catalog: CatalogJson;
  catalogUrl: string;
  fallback: FallbackJson;
  /** Item id → row. */
  indexOf: ReadonlyMap<string, number>;
  /** Category index of each item. */
  categories: Int32Array;
  /** True when the manifest came from the offline copy. */
  offline: boolean;
}

export interface LoadedModel {
  model: ScoringModel;
  backend: BackendName;
  choice: BackendChoice;
  /** N × dims item embeddings, read once for diversity and explanations. */
  embeddings: Float32Array;
  dims: number;
}

const decoder = new TextDecoder();

function parseJson(url: string, data: ArrayBuffer): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new ArtifactFormatError(url, '(root)', decoder.decode(data.slice(0, 60)), `JSON (${(error as Error).message})`);
  }
}

function fileOf(shop: { manifest: Manifest; manifestUrl: string }, path: string): Promise<ArrayBuffer> {
  const entry = shop.manifest.files[path];
  const url = new URL(path, shop.manifestUrl).href;
  if (!entry) return Promise.reject(new ArtifactFormatError(shop.manifestUrl, 'files', Object.keys(shop.manifest.files), `to list "${path}"`));
  return fetchVerified(url, entry, shop.manifest.version);
}

/** Shape of every catalog item; text is only ever rendered as text (see features/cards.ts). */
function checkCatalog(url: string, json: unknown, itemCount: number): CatalogJson {
  const items = (json as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new ArtifactFormatError(url, 'items', items, 'an array');
  if (items.length !== itemCount) throw new ArtifactFormatError(url, 'items.length', items.length, `the manifest's itemCount ${itemCount}`);
  const seen = new Set<string>();
  items.forEach((item: unknown, i) => {
    const it = item as Record<string, unknown> | null;
    if (typeof it !== 'object' || it === null) throw new ArtifactFormatError(url, `items[${i}]`, it, 'an object');
    const id = it['id'];
    if (typeof id !== 'string' || id === '') throw new ArtifactFormatError(url, `items[${i}].id`, id, 'a non-empty string');
    if (seen.has(id)) throw new ArtifactFormatError(url, `items[${i}].id`, id, 'unique (it repeats an earlier item)');
    seen.add(id);
    if (typeof it['title'] !== 'string') throw new ArtifactFormatError(url, `items[${i}].title`, it['title'], 'a string');
    if (typeof it['category'] !== 'string') throw new ArtifactFormatError(url, `items[${i}].category`, it['category'], 'a string');
    const price = it['price'];
    if (price !== null && price !== undefined && !(typeof price === 'number' && Number.isFinite(price))) {
      throw new ArtifactFormatError(url, `items[${i}].price`, price, 'a finite number or null');
    }
    if (it['image'] !== undefined && typeof it['image'] !== 'string') throw new ArtifactFormatError(url, `items[${i}].image`, it['image'], 'a string');
  });
  return json as CatalogJson;
}

function isItemIndex(value: unknown, itemCount: number): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < itemCount;
}

/** Every index must name a catalog row: a bad one would otherwise surface as a broken ranking. */
function checkFallback(url: string, json: unknown, itemCount: number): FallbackJson {
  const f = json as Record<string, unknown> | null;
  const popular = f?.['popular'];
  if (!Array.isArray(popular)) throw new ArtifactFormatError(url, 'popular', popular, 'an array of item indices');
  popular.forEach((value, k) => {
    if (!isItemIndex(value, itemCount)) throw new ArtifactFormatError(url, `popular[${k}]`, value, `an item index in [0, ${itemCount})`);
  });
  const next = f!['next'];
  if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new ArtifactFormatError(url, 'next', next, 'an object of item index → indices');
  for (const [key, list] of Object.entries(next)) {
    if (!isItemIndex(Number(key), itemCount) || String(Number(key)) !== key) throw new ArtifactFormatError(url, `next["${key}"]`, key, `an item index in [0, ${itemCount}) as key`);
    if (!Array.isArray(list)) throw new ArtifactFormatError(url, `next["${key}"]`, list, 'an array of item indices');
    list.forEach((value: unknown, k) => {
      if (!isItemIndex(value, itemCount)) throw new ArtifactFormatError(url, `next["${key}"][${k}]`, value, `an item index in [0, ${itemCount})`);
    });
  }
  return json as FallbackJson;
}

/** NaN or ±Infinity anywhere would silently turn every score into NaN: refuse the model instead. */
function firstNonFinite(values: Float32Array): number {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k]!)) return k;
  return -1;
}

/** Step 1: manifest, catalog and fallback tables (verified, cached by version). */
export async function loadShopArtifacts(requestedUrl: string): Promise<ShopArtifacts> {
  const absolute = new URL(requestedUrl, globalThis.location?.href).href;
  const fetched = await fetchManifest(absolute);
  const manifest = parseManifest(fetched.finalUrl, fetched.json);
  const base = { manifest, manifestUrl: fetched.finalUrl };
  // The model files are fetched and verified alongside the catalog (no tfjs yet), so the model
  // is ready sooner after the first render; a failure surfaces when loadModel awaits it.
  prefetchModelFiles(base).catch(() => undefined);
  const catalogUrl = new URL(manifest.catalog, fetched.finalUrl).href;
  const [catalogData, fallbackData] = await Promise.all([fileOf(base, manifest.catalog), fileOf(base, manifest.fallback)]);
  const catalog = checkCatalog(catalogUrl, parseJson(catalogUrl, catalogData), manifest.itemCount);
  const fallbackUrl = new URL(manifest.fallback, fetched.finalUrl).href;
  const fallback = checkFallback(fallbackUrl, parseJson(fallbackUrl, fallbackData), manifest.itemCount);
  const categoryIds = new Map<string, number>();
  const categories = Int32Array.from(catalog.items, (item) => {
    if (!categoryIds.has(item.category)) categoryIds.set(item.category, categoryIds.size);
    return categoryIds.get(item.category)!;
  });
  return {
    ...base,
    catalog,
    catalogUrl,
    fallback,
    indexOf: new Map(catalog.items.map((item, i) => [item.id, i])),
    categories,
    offline: fetched.fromCache,
  };
}

type ModelFiles = { modelJson: ModelJson; weights: ArrayBuffer };
const modelFileLoads = new Map<string, Promise<ModelFiles>>();

/** loadModelFiles, once per version (a failed load is retried next time). */
function prefetchModelFiles(shop: Pick<ShopArtifacts, 'manifest' | 'manifestUrl'>): Promise<ModelFiles> {
  const key = shop.manifestUrl;
  let loading = modelFileLoads.get(key);
  if (!loading) {
    loading = loadModelFiles(shop);
    modelFileLoads.set(key, loading);
    loading.catch(() => modelFileLoads.delete(key));
  }
  return loading;
}

/** model.json plus its weight shards (concatenated in manifest order), all verified. */
async function loadModelFiles(shop: Pick<ShopArtifacts, 'manifest' | 'manifestUrl'>): Promise<ModelFiles> {
  const modelUrl = new URL(shop.manifest.model, shop.manifestUrl).href;
  const modelJson = parseJson(modelUrl, await fileOf(shop, shop.manifest.model)) as ModelJson;
  if (!Array.isArray(modelJson?.weightsManifest)) throw new ArtifactFormatError(modelUrl, 'weightsManifest', modelJson?.weightsManifest, 'an array');
  const baseDir = new URL('.', shop.manifestUrl).href;
  const shardPaths = modelJson.weightsManifest.flatMap((group) => group.paths).map((p) => {
    const href = new URL(p, modelUrl).href;
    return href.startsWith(baseDir) ? href.slice(baseDir.length) : href;
  });
  const shards = await Promise.all(shardPaths.map((path) => fileOf(shop, path)));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weights.set(new Uint8Array(shard), offset);
    offset += shard.byteLength;
  }
  return { modelJson, weights: weights.buffer };
}

/** A typical short history for timing trials: the most popular items viewed in a row. */
function trialHistory(shop: ShopArtifacts): Parameters<ScoringModel['score']>[0] {
  const now = Date.now();
  return shop.fallback.popular.slice(0, 10).map((itemIndex, k) => ({ itemIndex, type: 'view' as const, timestamp: now - (10 - k) * 60_000 }));
}

/** Step 2: tfjs, the backend (forced, remembered or measured) and the decoded model. */
export async function loadModel(shop: ShopArtifacts, request: BackendRequest): Promise<LoadedModel> {
  const [{ modelJson, weights }, tf, { decodeModel }] = await Promise.all([prefetchModelFiles(shop), loadTf(), import('./scoring-model.js')]);
  const history = trialHistory(shop);
  const trials = new Map<BackendName, ScoringModel>();
  // A model that cannot be decoded fails every trial; report why, not "no backend could start".
  let decodeError: unknown = null;
  const choice = await chooseBackend(tf, request, async (backend) => {
    let model: ScoringModel;
    try {
      model = decodeModel(modelJson, weights);
    } catch (error) {
      decodeError ??= error;
      throw error;
    }
    trials.set(backend, model);
    await model.score(history); // the first call compiles shaders / warms caches
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const start = performance.now();
      await model.score(history);
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[1]!;
  }).catch((error: unknown) => {
    throw decodeError ?? error;
  });
  // Trials of other backends (including one still running past its timeout) are freed.
  for (const [backend, model] of trials) if (backend !== choice.backend) model.dispose();
  const model = trials.get(choice.backend) ?? decodeModel(modelJson, weights);
  if (!trials.has(choice.backend)) await model.score(history); // warm up off the critical path
  if (model.itemCount !== shop.manifest.itemCount) {
    model.dispose();
    throw new ArtifactFormatError(shop.manifestUrl, 'itemCount', shop.manifest.itemCount, `the model's item count ${model.itemCount}`);
  }
  const modelUrl = new URL(shop.manifest.model, shop.manifestUrl).href;
  const embeddings = await model.itemEmbeddings();
  const badEmbedding = firstNonFinite(embeddings);
  const badScore = badEmbedding < 0 ? firstNonFinite(await model.score(history)) : -1;
  if (badEmbedding >= 0 || badScore >= 0) {
    model.dispose();
    const field = badEmbedding >= 0 ? `item_matrix[${Math.floor(badEmbedding / model.dims)}]` : `scores[${badScore}] (encoder weights)`;
    throw new ArtifactFormatError(modelUrl, field, String(badEmbedding >= 0 ? embeddings[badEmbedding] : 'NaN/Infinity'), 'finite numbers');
  }
  void dropOtherVersions(shop.manifest.version);
  return { model, backend: choice.backend, choice, embeddings, dims: model.dims };
}

const shopLoads = new Map<string, Promise<ShopArtifacts>>();
const modelLoads = new Map<string, Promise<LoadedModel>>();

/** Shop artifacts shared by every widget with the same `model` URL (a failed load is retried next time). */
export function sharedShopArtifacts(url: string): Promise<ShopArtifacts> {
  let loading = shopLoads.get(url);
  if (!loading) {
    loading = loadShopArtifacts(url);
    shopLoads.set(url, loading);
    loading.catch(() => shopLoads.delete(url));
  }
  return loading;
}

/** The model of a version, shared; tfjs has one active backend per page, so the first request picks it. */
export function sharedModel(shop: ShopArtifacts, request: BackendRequest): Promise<LoadedModel> {
  const key = shop.manifest.version;
  let loading = modelLoads.get(key);
  if (!loading) {
    loading = loadModel(shop, request);
    modelLoads.set(key, loading);
  }
  return loading;
}
