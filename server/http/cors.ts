/**
 * CORS for artifact reads: a merchant's pages (another origin) load the model files with fetch(),
 * which the browser allows only when the answer names that origin. Only origins on the
 * allow-list (`RECO_ALLOWED_ORIGINS`, e.g. `https://shop.example, https://www.shop.example`) are
 * named; artifacts are read-only, so only GET and HEAD are offered. `*` allows every origin
 * (the artifacts are public anyway; no credentials are ever allowed).
 *
 *   const cors = createCors(parseAllowedOrigins(process.env.RECO_ALLOWED_ORIGINS));
 *   if (cors(request, response)) return; // a preflight, answered
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsPolicy {
  /** Exact origins (`scheme://host[:port]`), or `*`. */
  origins: ReadonlySet<string>;
  /** Seconds a browser may cache a preflight answer. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';
/** Headers a page may send: the conditional request header for revalidation (others are safelisted). */
const ALLOWED_HEADERS = 'If-None-Match';
/** Response headers a page may read besides the safelisted ones. */
const EXPOSED_HEADERS = 'ETag, Content-Length';

/**
 * Parses an allow-list: origins separated by commas or whitespace. Each must be an origin exactly
 * (no path, no trailing slash); the error names the variable and the value.
 */
export function parseAllowedOrigins(text: string | undefined, source = 'RECO_ALLOWED_ORIGINS'): Set<string> {
  const origins = new Set<string>();
  for (const candidate of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    if (candidate === '*') {
      origins.add('*');
      continue;
    }
    let origin: string | null = null;
    try {
      origin = new URL(candidate).origin;
    } catch {
      origin = null;
    }
    if (origin === null || origin === 'null' || origin !== candidate) {
      throw new Error(`${source}: ${JSON.stringify(candidate)} is not an origin (expected scheme://host[:port], e.g. https://shop.example)`);
    }
    origins.add(origin);
  }
  return origins;
}

/**
 * A function that adds CORS headers to an artifact answer for an allowed Origin and answers a
 * preflight (OPTIONS) itself. It returns true when it has answered (the caller stops there).
 * Every answer carries `Vary: Origin`, so caches keep one copy per origin.
 */
export function createCors(policy: CorsPolicy): (request: IncomingMessage, response: ServerResponse) => boolean {
  const maxAge = String(policy.maxAgeSeconds ?? 600);
  const allowAll = policy.origins.has('*');
  return (request, response) => {
    response.setHeader('Vary', 'Origin');
    const origin = request.headers.origin;
    const allowed = typeof origin === 'string' && (allowAll || policy.origins.has(origin));
    if (allowed) {
      response.setHeader('Access-Control-Allow-Origin', allowAll ? '*' : origin);
      response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (request.method !== 'OPTIONS') return false;
    // A preflight from an origin not on the list gets no CORS headers: the browser blocks the read.
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'Content-Length': '0' };
    if (allowed) {
      Object.assign(headers, {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': maxAge,
      });
    }
    response.writeHead(allowed ? 204 : 403, { ...headers, Allow: ALLOWED_METHODS });
    response.end();
    return true;
  };
}
