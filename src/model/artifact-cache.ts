/**
 * Offline copies of the model artifacts in Cache Storage, one cache per model version, every
 * byte verified against the manifest's sha256 before use. A new version replaces the old ones.
 * Without Cache Storage (insecure context, disabled) everything still works from the network.
 */
import type { ManifestFile } from './artifacts.js';
import { IntegrityError, verify } from './integrity.js';
import { ArtifactFormatError, MAX_MANIFEST_BYTES } from './manifest.js';

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

/**
 * The body, read as a stream and abandoned as soon as it passes `maxBytes`: a hostile or broken
 * server cannot make the page download (or hold) more than the manifest announced.
 */
export async function readLimited(response: Response, maxBytes: number, url: string): Promise<ArrayBuffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new IntegrityError(url, 'bytes', `at most ${maxBytes}`, String(declared));
  }
  if (!response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IntegrityError(url, 'bytes', `at most ${maxBytes}`, `more than ${maxBytes}`);
    }
    chunks.push(value);
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data.buffer;
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
    const text = new TextDecoder().decode(await readLimited(response, MAX_MANIFEST_BYTES, url));
    const finalUrl = response.url || url;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ArtifactFormatError(finalUrl, '(root)', text.slice(0, 60), `JSON (${(error as Error).message})`);
    }
    await cache?.put(url, new Response(text, { headers: { 'content-type': 'application/json', 'x-reco-final-url': finalUrl } })).catch(() => undefined);
    return { json, finalUrl, fromCache: false };
  } catch (networkError) {
    if (networkError instanceof ArtifactFormatError || networkError instanceof IntegrityError) throw networkError; // served, but bad: no stale fallback
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
  const data = await readLimited(response, expected.bytes, url);
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
