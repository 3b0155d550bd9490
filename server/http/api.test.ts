import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, type JobView } from '../jobs.js';
import { exportModel } from '../../model-export/export.js';
import type { Manifest } from '../../src/model/artifacts.js';
import { defaultEncoderConfig } from '../../src/model/encoder.js';
import { publishModel, readLatest } from '../publish.js';
import { verifyVersionDir } from '../prune.js';
import type { TrainOptions, TrainResult } from '../train/command.js';
import { writeSyntheticDataset } from '../train/synthetic-dataset.js';
import { createApiHandler, type ApiOptions } from './api.js';
import { createStoreServer, listen } from './server.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const MAX_UPLOAD = 64 * 1024;
const GOOD_EVENTS = 'user_id,item_id,timestamp,event\nu1,i1,100,view\nu1,i2,101,purchase\n';
const fixtures = join(import.meta.dirname, '..', 'data', 'fixtures', 'bad');

let work: string;
const servers: Server[] = [];

/** What the fake trainer saw: how many ran at once, at most, and in which order. */
const trainLog = { running: 0, mostAtOnce: 0, order: [] as number[], count: 0 };

/**
 * Stands in for server/train/command.ts (tested on its own): writes a complete version dir whose
 * manifest lists every file with its sha256, yielding to the event loop as real training does.
 */
async function fakeTrain(options: TrainOptions): Promise<TrainResult> {
  trainLog.running++;
  trainLog.mostAtOnce = Math.max(trainLog.mostAtOnce, trainLog.running);
  trainLog.order.push(options.seed);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const version = `20260101T0000${String(trainLog.count++).padStart(2, '0')}Z-${options.seed.toString(16).padStart(8, '0')}`;
  await mkdir(options.outDir, { recursive: true });
  const content: Record<string, string> = { 'model.json': '{}', 'weights.bin': `seed ${options.seed}`, 'catalog.json': '{"items":[]}', 'fallback.json': '{}' };
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const [path, text] of Object.entries(content)) {
    await writeFile(join(options.outDir, path), text);
    files[path] = { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
  }
  const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, trainLog.count)).toISOString();
  const manifest = { schema: 1, version, createdAt, model: 'model.json', catalog: 'catalog.json', fallback: 'fallback.json', itemCount: 0, quantization: options.quantization, metrics: {}, files };
  await writeFile(join(options.outDir, 'manifest.json'), JSON.stringify(manifest));
  trainLog.running--;
  return { manifestPath: join(options.outDir, 'manifest.json'), metrics: { 'test.ndcg@10': 0.5 }, seconds: 0.02 };
}

function roots(name: string): Pick<ApiOptions, 'datasetsRoot' | 'modelsRoot' | 'stagingRoot'> {
  return { datasetsRoot: join(work, name, 'datasets'), modelsRoot: join(work, name, 'models'), stagingRoot: join(work, name, 'staging') };
}

/** A server that mounts the handler and answers 404 for what it does not handle. */
async function serve(options: ApiOptions): Promise<string> {
  const handler = createApiHandler(options);
  const server = createServer((request, response) => {
    handler(request, response).then((handled) => {
      if (!handled) response.writeHead(404).end('not the api');
    }, (error: unknown) => response.writeHead(500).end(String(error)));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A request with the path exactly as written and the body sent chunked (no Content-Length). */
function rawRequest(base: string, path: string, method: string, body: Buffer | null, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (body) {
      // Chunks of 8 KiB, as a streaming client sends them.
      for (let offset = 0; offset < body.length; offset += 8192) req.write(body.subarray(offset, offset + 8192));
    }
    req.end();
  });
}

async function pollJob(base: string, id: string): Promise<JobView> {
  for (;;) {
    const view = (await (await fetch(`${base}/api/jobs/${id}`, { headers: AUTH })).json()) as JobView;
    if (view.status === 'succeeded' || view.status === 'failed') return view;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let base: string;
let datasets: string;
let models: string;
let staging: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'reco-api-'));
  const main = roots('main');
  ({ datasetsRoot: datasets, modelsRoot: models, stagingRoot: staging } = main);
  base = await serve({ ...main, token: TOKEN, maxUploadBytes: MAX_UPLOAD, train: fakeTrain, keepVersions: 3 });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await rm(work, { recursive: true, force: true });
});

describe('authentication', () => {
  it('is disabled (404) on every route when no token is configured', async () => {
    const previous = process.env.RECO_API_TOKEN;
    delete process.env.RECO_API_TOKEN;
    try {
      const closed = await serve({ ...roots('closed'), train: fakeTrain });
      for (const [method, path] of [['POST', '/api/train'], ['PUT', '/api/datasets/shop/events.csv'], ['POST', '/api/publish'], ['GET', '/api/jobs/x']]) {
        const response = await fetch(`${closed}${path}`, { method, headers: AUTH, body: method === 'GET' ? undefined : '{}' });
        expect(response.status, path).toBe(404);
        expect(((await response.json()) as { error: string }).error).toContain('set RECO_API_TOKEN');
      }
      expect(existsSync(join(work, 'closed'))).toBe(false);
    } finally {
      if (previous !== undefined) process.env.RECO_API_TOKEN = previous;
    }
  });

  it('takes the token from RECO_API_TOKEN and refuses one shorter than 16 characters', async () => {
    const previous = process.env.RECO_API_TOKEN;
    process.env.RECO_API_TOKEN = 'env-token-abcdefghijklmnop';
    try {
      const fromEnv = await serve({ ...roots('env'), train: fakeTrain });
      expect((await fetch(`${fromEnv}/api/jobs/x`, { headers: { Authorization: 'Bearer env-token-abcdefghijklmnop' } })).status).toBe(404);
      expect((await fetch(`${fromEnv}/api/jobs/x`, { headers: AUTH })).status).toBe(403);
    } finally {
      if (previous === undefined) delete process.env.RECO_API_TOKEN;
      else process.env.RECO_API_TOKEN = previous;
    }
    expect(() => createApiHandler({ ...roots('short'), token: 'short' })).toThrow('RECO_API_TOKEN: must be at least 16 characters (value has 5)');
  });

  it('answers 401 without a bearer token and 403 with a wrong one, before touching anything', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: TOKEN }, { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }];
    for (const headers of attempts) {
      const response = await fetch(`${base}/api/datasets/auth/events.csv`, { method: 'PUT', headers, body: GOOD_EVENTS });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="reco-api"');
    }
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'x'.repeat(TOKEN.length)]) {
      const response = await fetch(`${base}/api/datasets/auth/events.csv`, { method: 'PUT', headers: { Authorization: `Bearer ${wrong}` }, body: GOOD_EVENTS });
      expect(response.status).toBe(403);
    }
    expect(existsSync(join(datasets, 'auth'))).toBe(false);
  });

  it('leaves other paths to the caller', async () => {
    expect(await (await fetch(`${base}/models/latest/manifest.json`)).text()).toBe('not the api');
    expect(await (await fetch(`${base}/apix`)).text()).toBe('not the api');
  });
});

describe('uploads', () => {
  it('stores a valid CSV and reports its records and warnings', async () => {
    const response = await fetch(`${base}/api/datasets/shop/events.csv`, { method: 'PUT', headers: AUTH, body: GOOD_EVENTS });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ dataset: 'shop', file: 'events.csv', bytes: GOOD_EVENTS.length, records: 2, warnings: [] });
    expect(await readFile(join(datasets, 'shop', 'events.csv'), 'utf8')).toBe(GOOD_EVENTS);
    const items = 'item_id,title,category,price\ni1,Mug,kitchen,4\ni1,Mug,kitchen,4\n';
    const stored = await fetch(`${base}/api/datasets/shop/items.csv`, { method: 'POST', headers: AUTH, body: items });
    expect(await stored.json()).toMatchObject({ records: 1, warnings: ['shop/items.csv: 1 duplicate item row(s) with identical data skipped (first at line 3)'] });
  });

  it('refuses each bad fixture with 400 and the loader message, keeping the stored file', async () => {
    const cases: Array<[string, string]> = [
      ['bad-timestamp.csv', 'shop/events.csv:3: field "timestamp" is not a number (expected unix seconds, e.g. 1291733820) (value: "yesterday")'],
      ['unknown-event.csv', 'shop/events.csv:2: field "event" is not one of view, cart, purchase, search, rating, click (value: "like")'],
      ['wrong-column-count.csv', 'shop/events.csv:3: field "(record)" has 3 fields but the header has 4 (value: "u1,i2,100")'],
      ['unterminated-quote.csv', 'shop/events.csv:3: field "item_id" has a quote that is never closed'],
      ['empty.csv', 'shop/events.csv:1: field "(header)" is missing: the file is empty'],
      ['utf16.csv', 'shop/events.csv:1: field "(encoding)" is not UTF-8: the file is UTF-16'],
      ['bom-inside.csv', 'shop/events.csv:3: field "(record)" contains a byte order mark (U+FEFF) after the start of the file'],
      ['../datasets-bad/header-only/events.csv', 'shop/events.csv:2: field "(records)" is missing: the file has a header but no events'],
    ];
    for (const [fixture, message] of cases) {
      const response = await fetch(`${base}/api/datasets/shop/events.csv`, { method: 'PUT', headers: AUTH, body: await readFile(join(fixtures, fixture)) });
      expect(response.status, fixture).toBe(400);
      const body = (await response.json()) as { error: string; file: string; line: number; field: string };
      expect(body.error, fixture).toContain(message);
      expect(body.file).toBe('shop/events.csv');
      expect(await readFile(join(datasets, 'shop', 'events.csv'), 'utf8'), fixture).toBe(GOOD_EVENTS);
    }
    const conflict = await fetch(`${base}/api/datasets/shop/items.csv`, { method: 'PUT', headers: AUTH, body: await readFile(join(fixtures, 'items-conflict.csv')) });
    expect(await conflict.json()).toMatchObject({ line: 4, field: 'item_id', value: 'i1' });
    expect((await readdir(join(datasets, 'shop'))).sort()).toEqual(['events.csv', 'items.csv']);
  });

  it('refuses an oversized upload with 413, declared or streamed, keeping the stored file and no temp file', async () => {
    const big = Buffer.from(GOOD_EVENTS + 'u2,i3,102,view\n'.repeat(Math.ceil(MAX_UPLOAD / 15)));
    expect(big.length).toBeGreaterThan(MAX_UPLOAD);
    const declared = await rawRequest(base, '/api/datasets/shop/events.csv', 'PUT', big, { ...AUTH, 'Content-Length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error).toBe(`upload is ${big.length} bytes, larger than the limit of ${MAX_UPLOAD} bytes`);
    const streamed = await rawRequest(base, '/api/datasets/shop/events.csv', 'PUT', big, AUTH);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toBe(`upload is larger than the limit of ${MAX_UPLOAD} bytes`);
    expect(await readFile(join(datasets, 'shop', 'events.csv'), 'utf8')).toBe(GOOD_EVENTS);
    expect((await readdir(join(datasets, 'shop'))).sort()).toEqual(['events.csv', 'items.csv']);
  });

  it('drops an upload the client aborts half-way, keeping the stored file and no temp file', async () => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/api/datasets/shop/events.csv', method: 'PUT', headers: AUTH });
    req.on('error', () => undefined);
    req.write('user_id,item_id,timestamp,event\nu9,i9,900,view\n');
    // Wait until the server has created its temp file, then cut the connection.
    const dir = join(datasets, 'shop');
    while (!(await readdir(dir)).some((name) => name.startsWith('.upload-'))) await new Promise((resolve) => setTimeout(resolve, 5));
    req.destroy();
    while ((await readdir(dir)).some((name) => name.startsWith('.upload-'))) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await readFile(join(dir, 'events.csv'), 'utf8')).toBe(GOOD_EVENTS);
    expect((await readdir(dir)).sort()).toEqual(['events.csv', 'items.csv']);
  });

  it('refuses path traversal and unknown files in every spelling', async () => {
    const paths = [
      '/api/datasets/../../etc/events.csv',
      '/api/datasets/..%2F..%2Fetc/events.csv',
      '/api/datasets/%2e%2e/events.csv',
      '/api/datasets/shop/..%5cevents.csv',
      '/api/datasets/shop%00/events.csv',
      '/api/datasets/.hidden/events.csv',
      '/api/datasets/shop/passwd',
      '/api/datasets/shop/events.csv%2f..',
      '/api/datasets/%zz/events.csv',
    ];
    for (const path of paths) {
      const response = await rawRequest(base, path, 'PUT', Buffer.from(GOOD_EVENTS), AUTH);
      expect([400, 404], path).toContain(response.status);
    }
    expect(await readdir(datasets)).toEqual(['shop']);
    expect(existsSync(join(work, 'main', 'etc'))).toBe(false);
    // A bad first upload to a new dataset leaves no empty dataset dir behind.
    const first = await fetch(`${base}/api/datasets/fresh/events.csv`, { method: 'PUT', headers: AUTH, body: 'user_id,item_id,timestamp,event\n' });
    expect(first.status).toBe(400);
    expect(await readdir(datasets)).toEqual(['shop']);
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await fetch(`${base}/api/datasets/shop/events.csv`, { headers: AUTH });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('PUT, POST');
  });
});

describe('train, publish and jobs', () => {
  it('validates train requests, naming the field and value', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ dataset: 'nope' }, 404, 'dataset "nope" has not been uploaded'],
      [{ dataset: '../shop' }, 400, 'field "dataset" must be a dataset name'],
      [{ dataset: 'shop', seed: -1 }, 400, 'field "seed" must be an integer from 0 to 2147483647 (value: -1)'],
      [{ dataset: 'shop', preset: 'huge' }, 400, 'field "preset" must be one of small, full (value: "huge")'],
      [{ dataset: 'shop', gpu: true }, 400, 'field "gpu" is not a known field'],
      [[1], 400, 'request body must be a JSON object'],
    ];
    for (const [body, status, message] of cases) {
      const response = await fetch(`${base}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(((await response.json()) as { error: string }).error).toContain(message);
    }
    const notJson = await fetch(`${base}/api/train`, { method: 'POST', headers: AUTH, body: '{dataset' });
    expect(notJson.status).toBe(400);
    const huge = await fetch(`${base}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'x'.repeat(20_000) }) });
    expect(huge.status).toBe(413);
  });

  it('serialises concurrent train requests (FIFO) and reports each job', async () => {
    trainLog.mostAtOnce = 0;
    trainLog.order = [];
    const responses = await Promise.all([1, 2, 3].map((seed) => fetch(`${base}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'shop', seed, preset: 'small' }) })));
    const accepted = await Promise.all(responses.map(async (r) => ({ status: r.status, location: r.headers.get('location'), view: (await r.json()) as JobView })));
    for (const { status, location, view } of accepted) {
      expect(status).toBe(202);
      expect(location).toBe(`/api/jobs/${view.id}`);
    }
    const views = await Promise.all(accepted.map(({ view }) => pollJob(base, view.id)));
    expect(views.map((v) => v.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(trainLog.mostAtOnce).toBe(1);
    expect(trainLog.order).toEqual([1, 2, 3]);
    const versions = views.map((v) => (v.result as { version: string }).version);
    expect(new Set(versions).size).toBe(3);
    for (const version of versions) expect(existsSync(join(staging, version, 'manifest.json'))).toBe(true);
    expect((await readdir(staging)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await fetch(`${base}/api/jobs/00000000-0000-0000-0000-000000000000`, { headers: AUTH })).status).toBe(404);
  });

  it('publishes a staged version after verifying it, rolls back to an older one, and prunes', async () => {
    const staged = (await readdir(staging)).filter((name) => !name.startsWith('.')).sort();
    const published: string[] = [];
    for (const version of staged) {
      const response = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version }) });
      expect(response.status, version).toBe(200);
      expect(await response.json()).toMatchObject({ version, previous: published.at(-1) ?? null, pruned: [] });
      expect(await readLatest(models)).toBe(version);
      published.push(version);
    }
    expect(existsSync(join(staging, staged[0]!))).toBe(false);
    const rollback = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: published[0] }) });
    expect(await rollback.json()).toMatchObject({ version: published[0], previous: published[2] });
    expect(await readLatest(models)).toBe(published[0]);
    // keep 1: the newest stays, and the one latest points at, though it is the oldest.
    const pruning = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: published[0], keep: 1 }) });
    expect(await pruning.json()).toMatchObject({ pruned: [published[1]] });
    expect((await readdir(models)).sort()).toEqual([published[0], published[2], 'latest.json'].sort());
  });

  it('refuses to publish a tampered or unknown version, leaving latest as it was', async () => {
    const before = await readLatest(models);
    const job = (await (await fetch(`${base}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'shop', seed: 9 }) })).json()) as JobView;
    const version = ((await pollJob(base, job.id)).result as { version: string }).version;
    await writeFile(join(staging, version, 'weights.bin'), 'seed 8'); // same size, other bytes
    const tampered = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version }) });
    expect(tampered.status).toBe(422);
    expect(((await tampered.json()) as { error: string }).error).toMatch(/is incomplete, not published: .*weights\.bin: field "files\.weights\.bin\.sha256" does not match/);
    const unknown = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: '20990101T000000Z-deadbeef' }) });
    expect(unknown.status).toBe(404);
    const unsafe = await fetch(`${base}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: '../models' }) });
    expect(unsafe.status).toBe(400);
    expect(await readLatest(models)).toBe(before);
    expect(existsSync(join(models, version))).toBe(false);
  });

  it('serialises a publish behind a running train', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const queue = new JobQueue();
    const slowBase = await serve({
      ...roots('slow'),
      token: TOKEN,
      queue,
      train: async (options) => {
        order.push('train start');
        await held;
        const result = await fakeTrain(options);
        order.push('train end');
        return result;
      },
    });
    await mkdir(join(work, 'slow', 'datasets', 'shop'), { recursive: true });
    const job = (await (await fetch(`${slowBase}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'shop' }) })).json()) as JobView;
    const publishing = fetch(`${slowBase}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: '20990101T000000Z-deadbeef' }) }).then((r) => {
      order.push(`publish ${r.status}`);
      return r;
    });
    // Wait (polling) until the publish is queued behind the held train.
    while (queue.pending < 2 || order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['train start']);
    expect(queue.get(job.id)!.status).toBe('running');
    release();
    await publishing;
    expect((await pollJob(slowBase, job.id)).status).toBe('succeeded');
    expect(order).toEqual(['train start', 'train end', 'publish 404']);
  });
});

describe('end to end, with real training in a child process (the default)', () => {
  it('upload → train (preset small) → publish: latest is a verified version; a failed training is a failed job', { timeout: 240_000 }, async () => {
    const e2e = await serve({ ...roots('e2e'), token: TOKEN });
    const source = join(work, 'ring');
    await writeSyntheticDataset(source, { users: 120, items: 40, eventsPerUser: 14, seed: 7, withItems: true });
    for (const file of ['events.csv', 'items.csv']) {
      const response = await fetch(`${e2e}/api/datasets/ring/${file}`, { method: 'PUT', headers: AUTH, body: await readFile(join(source, file)) });
      expect(response.status, file).toBe(201);
    }
    const accepted = (await (await fetch(`${e2e}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'ring', preset: 'small', seed: 1 }) })).json()) as JobView;
    const trained = await pollJob(e2e, accepted.id);
    expect(trained.error).toBeNull();
    const result = trained.result as { version: string; metrics: Record<string, number> };
    expect(result.metrics['test.ndcg@10']).toBeGreaterThan(result.metrics['popularity.test.ndcg@10']!);
    const published = await fetch(`${e2e}/api/publish`, { method: 'POST', headers: AUTH, body: JSON.stringify({ version: result.version }) });
    expect(published.status).toBe(200);
    const modelsRoot = roots('e2e').modelsRoot;
    expect(await readLatest(modelsRoot)).toBe(result.version);
    expect((await verifyVersionDir(join(modelsRoot, result.version))).itemCount).toBe(40);

    await fetch(`${e2e}/api/datasets/itemsonly/items.csv`, { method: 'PUT', headers: AUTH, body: await readFile(join(source, 'items.csv')) });
    const failing = (await (await fetch(`${e2e}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'itemsonly', preset: 'small' }) })).json()) as JobView;
    const failed = await pollJob(e2e, failing.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^training failed: .*itemsonly: no events\.csv/);
    expect(await readLatest(modelsRoot)).toBe(result.version);
  });
});

describe('artifact reads through the store server', () => {
  let storeBase: string;
  let version: string;
  let manifest: Manifest;

  beforeAll(async () => {
    const modelsRoot = join(work, 'store', 'models');
    const siteDir = join(work, 'store', 'site');
    await mkdir(siteDir, { recursive: true });
    await writeFile(join(siteDir, 'index.html'), '<!doctype html><title>shop</title>');
    const items = 30;
    const exported = await exportModel(join(work, 'store', 'out'), {
      config: defaultEncoderConfig({ dims: 8 }),
      weights: [{ name: 'item_matrix', shape: [items, 8], values: new Float32Array(items * 8).map((_, i) => Math.sin(i)) }],
      quantization: 'uint8',
      catalog: { items: Array.from({ length: items }, (_, n) => ({ id: `i${n}`, title: `Item ${n}`, category: 'c', price: n })) },
      fallback: { popular: [...Array(items).keys()], next: {} },
      metrics: {},
    });
    manifest = exported.manifest;
    version = (await publishModel(join(work, 'store', 'out'), modelsRoot)).version;
    const api = createApiHandler({ ...roots('store-api'), token: TOKEN, train: fakeTrain });
    const server = createStoreServer({ siteDir, modelsRoot, api, allowedOrigins: new Set(['https://shop.example']) });
    servers.push(server);
    storeBase = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  it('serves every file of a version with its content type, an ETag and immutable caching, bytes matching the manifest', async () => {
    const types: Record<string, string> = { '.json': 'application/json; charset=utf-8', '.bin': 'application/octet-stream' };
    for (const path of ['manifest.json', ...Object.keys(manifest.files)]) {
      const response = await fetch(`${storeBase}/models/${version}/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(types[path.slice(path.lastIndexOf('.'))]);
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      const etag = response.headers.get('etag')!;
      expect(etag, path).toMatch(/^"[\w-]+"$/);
      const body = Buffer.from(await response.arrayBuffer());
      if (path !== 'manifest.json') expect(createHash('sha256').update(body).digest('hex'), path).toBe(manifest.files[path]!.sha256);
      expect((await fetch(`${storeBase}/models/${version}/${path}`, { headers: { 'If-None-Match': etag } })).status, path).toBe(304);
    }
    const latest = await fetch(`${storeBase}/models/latest/manifest.json`, { redirect: 'manual' });
    expect([latest.status, latest.headers.get('location'), latest.headers.get('cache-control')]).toEqual([302, `/models/${version}/manifest.json`, 'no-cache']);
  });

  it('refuses path traversal to /etc/passwd in every spelling', async () => {
    const paths = [
      '/models/../../etc/passwd',
      '/models/../../../../../../etc/passwd',
      '/models/%2e%2e/%2e%2e/etc/passwd',
      '/models/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      `/models/${version}/..%2f..%2f..%2f..%2fetc%2fpasswd`,
      `/models/${version}/..%5c..%5cetc%5cpasswd`,
      '/models/%252e%252e/%252e%252e/etc/passwd',
      '/models/..;/..;/etc/passwd',
      '/models/latest/..%2f..%2fetc%2fpasswd',
      '//etc/passwd',
      '/models//etc/passwd',
      '/models/%00/etc/passwd',
    ];
    for (const path of paths) {
      const response = await rawRequest(storeBase, path, 'GET', null);
      expect([400, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('root:');
    }
  });

  it('limits request size: oversized headers get 431, bodies to read endpoints 405', async () => {
    const huge = await rawRequest(storeBase, `/models/${version}/model.json`, 'GET', null, { 'X-Padding': 'x'.repeat(64 * 1024) }).catch((error: Error) => ({ status: 0, body: error.message }));
    expect(huge.status).toBe(431);
    const posted = await rawRequest(storeBase, `/models/${version}/model.json`, 'POST', Buffer.alloc(1024 * 1024));
    expect(posted.status).toBe(405);
  });

  it('answers CORS for the allowed merchant origins on artifact reads, preflight included', async () => {
    const allowed = await fetch(`${storeBase}/models/${version}/model.json`, { headers: { Origin: 'https://shop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('vary')).toBe('Origin');
    expect(allowed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const other = await fetch(`${storeBase}/models/${version}/model.json`, { headers: { Origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${storeBase}/models/${version}/weights.bin`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    const page = await fetch(`${storeBase}/`, { headers: { Origin: 'https://shop.example' } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('mounts the write API under /api/ with its token, and nowhere else', async () => {
    expect((await fetch(`${storeBase}/api/train`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${storeBase}/api/train`, { method: 'POST', headers: { Authorization: 'Bearer wrong-token-0123456789' }, body: '{}' })).status).toBe(403);
    const refused = await fetch(`${storeBase}/api/train`, { method: 'POST', headers: AUTH, body: JSON.stringify({ dataset: 'none' }) });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: string }).error).toBe('dataset "none" has not been uploaded');
    expect((await fetch(`${storeBase}/models/${version}/model.json`, { method: 'PUT', headers: AUTH, body: '{}' })).status).toBe(405);
  });
});
