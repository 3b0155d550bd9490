/**
 * The store's product data, read the way the widget reads it: the latest manifest, then the
 * catalog it names. Every shopper makes exactly these requests, so they say nothing about anyone.
 */
import type { CatalogItem, CatalogJson, Manifest } from '../../src/model/artifacts.js';

export const MANIFEST_URL = '/models/latest/manifest.json';

export interface Catalog {
  manifest: Manifest;
  items: CatalogItem[];
  byId: Map<string, CatalogItem>;
  /** Department names in first-appearance order. */
  categories: string[];
}

let loading: Promise<Catalog> | undefined;

async function fetchJson<T>(url: string): Promise<{ body: T; url: string }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { body: (await response.json()) as T, url: response.url };
}

async function fetchCatalog(): Promise<Catalog> {
  const manifest = await fetchJson<Manifest>(MANIFEST_URL);
  // File paths are relative to the manifest's final (versioned) URL.
  const catalog = await fetchJson<CatalogJson>(new URL(manifest.body.catalog, manifest.url).href);
  const items = catalog.body.items;
  const categories = [...new Set(items.map((item) => item.category))];
  return { manifest: manifest.body, items, byId: new Map(items.map((item) => [item.id, item])), categories };
}

/** The catalog, fetched once per page. */
export function loadCatalog(): Promise<Catalog> {
  loading ??= fetchCatalog();
  return loading;
}
