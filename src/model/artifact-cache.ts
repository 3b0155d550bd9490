/**
 * Offline copies of the model artifacts in Cache Storage, one cache per model version, every
 * byte verified against the manifest's sha256 before use. A new version replaces the old ones.
 * Without Cache Storage (insecure context, disabled) everything still works from the network.
 */
import type { ManifestFile } from './artifacts.js';
import { verify } from './integrity.js';

const VERSION_CACHE_PREFIX = 'reco-widget-artifacts:';
/** The last manifest fetched per `model` URL, for offline starts. */
const MANIFEST_CACHE = 'reco-widget-manifests';

async function openCache(name: string): Promise<Cache | null> {
  try {
    return 'caches' in globalThis ? await caches.open(name) : null;
  } catch {
    return null;
  }
}

export interface FetchedManifest {
  json: unknown;
  /** The URL after redirects (`/models/latest/…` → `/models/<version>/…`): files resolve against it. */
  finalUrl: string;
  fromCache: boolean;
}

/** The manifest from the network (never a stale HTTP cache), else the last one seen offline. */
export async function fetchManifest(url: string): Promise<FetchedManifest> {
  const cache = await openCache(MANIFEST_CACHE);
  try {
    const response = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const text = await response.text();
    const finalUrl = response.url || url;
    await cache?.put(url, new Response(text, { headers: { 'content-type': 'application/json', 'x-reco-final-url': finalUrl } })).catch(() => undefined);
    return { json: JSON.parse(text), finalUrl, fromCache: false };
  } catch (networkError) {
    const cached = await cache?.match(url).catch(() => undefined);
    if (!cached) throw networkError;
    return { json: await cached.json(), finalUrl: cached.headers.get('x-reco-final-url') ?? url, fromCache: true };
  }
}

/** A verified file of one version: from the version's cache when intact, else fetched and cached. */
export async function fetchVerified(url: string, expected: ManifestFile, version: string): Promise<ArrayBuffer> {
  const cache = await openCache(VERSION_CACHE_PREFIX + version);
  const cached = await cache?.match(url).catch(() => undefined);
  if (cached) {
    const data = await cached.arrayBuffer();
    try {
      await verify(url, data, expected);
      return data;
    } catch {
      await cache!.delete(url); // corrupt or tampered copy: drop it, fetch again
    }
  }
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const data = await response.arrayBuffer();
  await verify(url, data, expected);
  await cache?.put(url, new Response(data.slice(0))).catch(() => undefined);
  return data;
}

/** Deletes the caches of every other version (call once a version loaded completely). */
export async function dropOtherVersions(version: string): Promise<void> {
  if (!('caches' in globalThis)) return;
  try {
    for (const name of await caches.keys()) {
      if (name.startsWith(VERSION_CACHE_PREFIX) && name !== VERSION_CACHE_PREFIX + version) await caches.delete(name);
    }
  } catch {
    // Cache Storage unavailable: nothing was cached either.
  }
}

/** The versions held in Cache Storage (for the activity view and tests). */
export async function cachedVersions(): Promise<string[]> {
  if (!('caches' in globalThis)) return [];
  const names = await caches.keys().catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(VERSION_CACHE_PREFIX)).map((n) => n.slice(VERSION_CACHE_PREFIX.length));
}
