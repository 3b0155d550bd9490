/**
 * The store's HTTP server (node:http, no framework): the built demo store and the published
 * model artifacts. It serves files only; nothing a shopper does ever reaches it.
 *
 *   /models/latest/manifest.json → 302 to /models/<version>/manifest.json (no-cache)
 *   /models/<version>/<file>     → immutable artifacts (ETag, max-age one year)
 *   /assets/<hashed file>        → immutable build output
 *   /api/…                       → the token-protected write API, when one is given (api.ts)
 *   anything else                → the demo store's files, revalidated on each use (ETag)
 * Artifact reads (/models/…) carry CORS headers for the merchant's origins (cors.ts).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { isSafeVersion, readLatest } from '../publish.js';
import type { ApiHandler } from './api.js';
import { contentTypeFor } from './content-types.js';
import { createCors, parseAllowedOrigins } from './cors.js';

export interface StoreServerOptions {
  /** The built demo store (index.html, assets/, sw.js, …). */
  siteDir: string;
  /** The publish root: `<root>/latest.json` and `<root>/<version>/`. */
  modelsRoot: string;
  /** The write API (createApiHandler in api.ts), mounted under /api/; without it, /api/ is like any other path. */
  api?: ApiHandler;
  /** Origins that may read /models/ cross-origin; default: parsed from RECO_ALLOWED_ORIGINS. */
  allowedOrigins?: ReadonlySet<string>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Headers on every answer. The CSP keeps the store's own promise: the page may talk to this
 * origin only (connect-src 'self'), images are local or inline, wasm may compile.
 */
const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The URL path as decoded segments. Anything that could step outside a directory (`..`, `.`,
 * encoded slashes or backslashes, NUL) is a 400, whatever the encoding.
 */
export function pathSegments(rawUrl: string): string[] {
  const path = rawUrl.split(/[?#]/, 1)[0]!;
  if (!path.startsWith('/')) throw new HttpError(400, 'path must start with /');
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, 'malformed percent-encoding');
    }
    if (segment === '..' || segment === '.' || /[\\/\0]/.test(segment)) throw new HttpError(400, 'path segment not allowed');
    if (segment !== '') segments.push(segment);
  }
  return segments;
}

/** `root` joined with the segments, or a 404 if that would leave root (belt and braces). */
function insideRoot(root: string, segments: readonly string[]): string {
  const base = resolve(root);
  const path = resolve(base, ...segments);
  if (path !== base && !path.startsWith(base + sep)) throw new HttpError(404, 'not found');
  return path;
}

interface FileAnswer {
  body: Buffer;
  etag: string;
}

/** ETags by path + size + mtime, so unchanged files are hashed once. */
const etagCache = new Map<string, string>();

async function readServedFile(path: string): Promise<FileAnswer> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new HttpError(404, 'not found');
  }
  if (info.isDirectory()) return readServedFile(join(path, 'index.html'));
  if (!info.isFile()) throw new HttpError(404, 'not found');
  const body = await readFile(path);
  const key = `${path}\0${info.size}\0${info.mtimeMs}`;
  let etag = etagCache.get(key);
  if (!etag) {
    etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    etagCache.set(key, etag);
  }
  return { body, etag };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

async function sendFile(request: IncomingMessage, response: ServerResponse, path: string, cacheControl: string): Promise<void> {
  const file = await readServedFile(path);
  const headers = { ...COMMON_HEADERS, ETag: file.etag, 'Cache-Control': cacheControl };
  if (etagMatches(request.headers['if-none-match'], file.etag)) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': contentTypeFor(path), 'Content-Length': String(file.body.length) });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

function sendText(response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  response.end(text + '\n');
}

async function route(options: StoreServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const segments = pathSegments(request.url ?? '/');
  if (segments[0] === 'models') {
    const [, version, ...file] = segments;
    if (version === 'latest' && file.length === 1 && file[0] === 'manifest.json') {
      const latest = await readLatest(options.modelsRoot);
      if (!latest) throw new HttpError(404, 'no model published yet');
      response.writeHead(302, { ...COMMON_HEADERS, Location: `/models/${latest}/manifest.json`, 'Cache-Control': REVALIDATE });
      response.end();
      return;
    }
    if (version === 'latest.json' && file.length === 0) {
      await sendFile(request, response, insideRoot(options.modelsRoot, ['latest.json']), REVALIDATE);
      return;
    }
    if (!version || !isSafeVersion(version) || file.length === 0) throw new HttpError(404, 'not found');
    await sendFile(request, response, insideRoot(options.modelsRoot, [version, ...file]), IMMUTABLE);
    return;
  }
  // Vite puts content-hashed files under assets/: those never change under one name.
  const cacheControl = segments[0] === 'assets' ? IMMUTABLE : REVALIDATE;
  await sendFile(request, response, insideRoot(options.siteDir, segments.length ? segments : ['index.html']), cacheControl);
}

export function createStoreServer(options: StoreServerOptions): Server {
  const cors = createCors({ origins: options.allowedOrigins ?? parseAllowedOrigins(process.env.RECO_ALLOWED_ORIGINS) });
  // The API takes its own methods, and CORS answers preflights, before route() allows only GET and HEAD.
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (options.api && (await options.api(request, response))) return;
    if ((request.url ?? '').startsWith('/models/') && cors(request, response)) return;
    await route(options, request, response);
  };
  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) sendText(response, error.status, error.message);
      else {
        console.error(`http: ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`);
        sendText(response, 500, 'internal error');
      }
    });
  });
}

/** Listens on host:port (0 = any free port) and resolves with the port it got. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}
