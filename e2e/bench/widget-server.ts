/**
 * A small HTTP server for the widget's e2e specs and benchmark: the production library build
 * (/lib/), publish roots of fixture models (/<mount>/latest/manifest.json redirects to the
 * version, like the real server), and test pages registered by the caller (/pages/<name>).
 * Faults can be injected per path (tampered bytes, 404) to exercise the fallbacks.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rmdir, stat, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = resolve(import.meta.dirname, '../..');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

export type Fault = 'tamper' | '404' | 'hang';

export interface LoggedRequest {
  method: string;
  url: string;
  body: string;
}

export interface WidgetServer {
  origin: string;
  /** Every request received, in order. */
  requests: LoggedRequest[];
  /** HTML served at /pages/<name>. */
  pages: Map<string, string>;
  /** Extra response headers of a page (e.g. a Content-Security-Policy), by page name. */
  pageHeaders: Map<string, Record<string, string>>;
  /** Faults by URL path (e.g. "/models/<version>/weights.bin" → "tamper"). */
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

export interface WidgetServerOptions {
  libDir: string;
  /** URL prefix (e.g. "/models") → publish root directory (with latest.json). */
  mounts: Record<string, string>;
  port?: number;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWidgetServer(options: WidgetServerOptions): Promise<WidgetServer> {
  const requests: LoggedRequest[] = [];
  const pages = new Map<string, string>();
  const pageHeaders = new Map<string, Record<string, string>>();
  const faults = new Map<string, Fault>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ method: request.method ?? 'GET', url: url.pathname + url.search, body: await readBody(request) });
    const send = (status: number, body: string | Buffer, type = 'text/plain', headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    };
    const fault = faults.get(url.pathname);
    if (fault === '404') return send(404, 'injected 404');
    if (fault === 'hang') return; // never answers
    try {
      if (url.pathname.startsWith('/pages/')) {
        const name = url.pathname.slice('/pages/'.length);
        const page = pages.get(name);
        return page === undefined ? send(404, 'no such page') : send(200, page, TYPES['.html'], pageHeaders.get(name) ?? {});
      }
      if (url.pathname.startsWith('/lib/')) {
        const file = normalize(join(options.libDir, url.pathname.slice(5)));
        if (!file.startsWith(options.libDir)) return send(403, 'outside');
        return send(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream', { 'cache-control': 'no-cache' });
      }
      for (const [mount, root] of Object.entries(options.mounts)) {
        if (!url.pathname.startsWith(mount + '/')) continue;
        const rest = url.pathname.slice(mount.length + 1);
        if (rest.startsWith('latest/')) {
          const { version } = JSON.parse(await readFile(join(root, 'latest.json'), 'utf8')) as { version: string };
          return send(302, '', 'text/plain', { location: `${mount}/${version}/${rest.slice('latest/'.length)}`, 'cache-control': 'no-cache' });
        }
        const file = normalize(join(root, rest));
        if (!file.startsWith(root)) return send(403, 'outside');
        let body = await readFile(file);
        if (fault === 'tamper') {
          body = Buffer.from(body);
          body[0] = body[0]! ^ 0xff;
        }
        return send(200, body, TYPES[extname(file)] ?? 'application/octet-stream', { 'cache-control': 'public, max-age=31536000, immutable' });
      }
      send(404, 'not found');
    } catch {
      send(404, 'not found');
    }
  });
  await new Promise<void>((ready) => server.listen(options.port ?? 0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    pages,
    pageHeaders,
    faults,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/**
 * The production library build the specs test (not the dev build), rebuilt when src/ changed.
 * A directory lock keeps parallel workers from building at once.
 */
/** Runs `work` while holding a directory lock (parallel Playwright workers share .cache). */
export async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(lock, { recursive: false });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        await mkdir(join(lock, '..'), { recursive: true });
        continue;
      }
      if (waited > 180_000) throw new Error(`${lock} held for 3 minutes (remove it if nothing is running)`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(lock);
  }
}

/**
 * The production library build the specs test (not the dev build). Each state of src/ gets its
 * own directory, so a worker that starts after an edit never rebuilds files another worker serves.
 */
export async function ensureLibBuild(baseDir = join(repoRoot, '.cache/widget-e2e-lib')): Promise<string> {
  const sources = Math.max(await newestMtime(join(repoRoot, 'src')), await newestMtime(join(repoRoot, 'vite.config.ts')));
  const outDir = join(baseDir, String(Math.floor(sources)));
  return withLock(baseDir + '.lock', async () => {
    if (!(await stat(join(outDir, 'reco-widget.js')).catch(() => null))) {
      await promisify(execFile)('npx', ['vite', 'build', '--mode', 'lib', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repoRoot, timeout: 180_000 });
    }
    return outDir;
  });
}
