import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLatest } from '../publish.js';
import { createStoreServer, listen, pathSegments } from './server.js';

let work: string;
let server: Server;
let base: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'store-http-'));
  const site = join(work, 'site');
  const models = join(work, 'models');
  await mkdir(join(site, 'assets'), { recursive: true });
  await mkdir(join(models, 'v1'), { recursive: true });
  await mkdir(join(models, 'v2'), { recursive: true });
  await writeFile(join(site, 'index.html'), '<!doctype html><title>store</title>');
  await writeFile(join(site, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  await writeFile(join(site, 'manifest.webmanifest'), '{}');
  await writeFile(join(site, 'assets', 'index-abc123.js'), 'console.log(1);');
  await writeFile(join(models, 'v1', 'manifest.json'), '{"version":"v1"}');
  await writeFile(join(models, 'v2', 'manifest.json'), '{"version":"v2"}');
  await writeFile(join(models, 'v2', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  await writeFile(join(work, 'secret.txt'), 'do not serve');
  await writeLatest(models, 'v2');
  server = createStoreServer({ siteDir: site, modelsRoot: models });
  const port = await listen(server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(work, { recursive: true, force: true });
});

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('store HTTP server', () => {
  it('redirects the latest manifest to the published version, uncached', async () => {
    const response = await fetch(`${base}/models/latest/manifest.json`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/models/v2/manifest.json');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const followed = await fetch(`${base}/models/latest/manifest.json`);
    expect(followed.url).toBe(`${base}/models/v2/manifest.json`);
    expect(await followed.json()).toEqual({ version: 'v2' });
  });

  it('serves versioned artifacts as immutable with a content type and an ETag, and 304s a match', async () => {
    const response = await fetch(`${base}/models/v2/weights.bin`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${base}/models/v2/weights.bin`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const manifest = await fetch(`${base}/models/v1/manifest.json`);
    expect(manifest.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves the store: index at /, revalidated pages, immutable hashed assets', async () => {
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>store</title>');
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const worker = await fetch(`${base}/sw.js`);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const webManifest = await fetch(`${base}/manifest.webmanifest`);
    expect(webManifest.headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
  });

  it('answers HEAD with headers only', async () => {
    const response = await fetch(`${base}/models/v2/weights.bin`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('4');
    expect(await response.text()).toBe('');
  });

  it('refuses other methods with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${base}/`, { method, body: method === 'DELETE' ? undefined : 'x' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('refuses path traversal in every spelling', async () => {
    for (const path of ['/../secret.txt', '/models/../../secret.txt', '/%2e%2e/secret.txt', '/models/v2/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/a%00b', '/%zz']) {
      const response = await rawGet(path);
      expect([400, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('do not serve');
    }
  });

  it('404s what does not exist, including unknown versions and the bare models dir', async () => {
    for (const path of ['/nope.html', '/models/v9/manifest.json', '/models/v2', '/models/latest/weights.bin']) {
      expect((await rawGet(path)).status, path).toBe(404);
    }
  });

  it('sends the privacy headers on every answer', async () => {
    const response = await fetch(`${base}/`);
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('pathSegments', () => {
  it('decodes segments and drops empty ones', () => {
    expect(pathSegments('/models//v1/a%20b.json?x=1')).toEqual(['models', 'v1', 'a b.json']);
  });
  it('throws a 400 on dot segments and encoded separators', () => {
    for (const path of ['/a/../b', '/./a', '/a%2Fb', '/a%5Cb']) expect(() => pathSegments(path), path).toThrow(/not allowed/);
  });
});
