/**
 * The demo store's service worker (built to /sw.js).
 * - Shell: at install, caches every file of the build (listed in /precache.json); served cache-first.
 * - Model and catalog: /models/<version>/… are immutable, so cache-first; the latest pointer is
 *   network-first and, offline, redirects to the last version seen.
 * - Pages: network-first, the cached copy when offline.
 * It only ever fetches what every shopper fetches; it never sends anything of its own.
 */

/** The few service-worker types used here (the DOM lib lacks them; the WebWorker lib clashes with it). */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const worker = self as unknown as ServiceWorkerScope;
const SHELL_PREFIX = 'reco-demo-shell-';
const MODELS_CACHE = 'reco-demo-models';
/** Where the last version seen online is remembered (a key in MODELS_CACHE, never fetched). */
const LATEST_KEY = '/__reco-demo/latest-version';

interface Precache {
  build: string;
  files: string[];
}

async function readPrecache(): Promise<Precache> {
  const response = await fetch('/precache.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`precache.json: HTTP ${response.status}`);
  return (await response.json()) as Precache;
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const precache = await readPrecache();
      const cache = await caches.open(SHELL_PREFIX + precache.build);
      await cache.addAll(['/', ...precache.files.map((file) => `/${file}`)]);
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const precache = await readPrecache().catch(() => null);
      if (precache) {
        for (const name of await caches.keys()) {
          if (name.startsWith(SHELL_PREFIX) && name !== SHELL_PREFIX + precache.build) await caches.delete(name);
        }
      }
      await worker.clients.claim();
    })(),
  );
});

/** Keeps the given version's files and drops older versions' (versions are immutable). */
async function pruneModels(cache: Cache, keep: string): Promise<void> {
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const match = /^\/models\/([^/]+)\//.exec(path);
    if (match && match[1] !== keep && match[1] !== 'latest') await cache.delete(request);
  }
}

async function latestManifest(request: Request): Promise<Response> {
  const cache = await caches.open(MODELS_CACHE);
  try {
    const response = await fetch(request);
    const version = /^\/models\/([^/]+)\/manifest\.json$/.exec(new URL(response.url).pathname)?.[1];
    if (response.ok && version) {
      const previous = await cache.match(LATEST_KEY);
      if (!previous || (await previous.text()) !== version) {
        await cache.put(LATEST_KEY, new Response(version));
        await pruneModels(cache, version);
      }
      // Answer with the redirect itself, so the page resolves files against the versioned URL.
      return Response.redirect(response.url, 302);
    }
    return response;
  } catch (error) {
    const remembered = await cache.match(LATEST_KEY);
    if (!remembered) throw error;
    return Response.redirect(new URL(`/models/${await remembered.text()}/manifest.json`, worker.location.href).href, 302);
  }
}

async function immutableModelFile(request: Request): Promise<Response> {
  const cache = await caches.open(MODELS_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function shellFile(request: Request): Promise<Response> {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached ?? fetch(request);
}

async function page(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = (await caches.match(request, { ignoreSearch: true })) ?? (await caches.match('/'));
    if (!cached) throw error;
    return cached;
  }
}

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
  if (url.pathname === '/models/latest/manifest.json') event.respondWith(latestManifest(request));
  else if (url.pathname.startsWith('/models/') && url.pathname !== '/models/latest.json') event.respondWith(immutableModelFile(request));
  else if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname !== '/precache.json' && url.pathname !== '/sw.js') event.respondWith(shellFile(request));
});
