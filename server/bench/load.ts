/**
 * `npx tsx server/bench/load.ts [--duration 10] [--connections 10] [--json out.json]`: a load test
 * of the artifact endpoints on loopback. It trains and publishes a small model (preset `small` on a
 * seeded synthetic shop), starts the store server in a child process on 127.0.0.1 (an ephemeral
 * port, so client and server do not share one event loop), and runs autocannon against each
 * endpoint for `--duration` seconds, one after the other. References measured in the same run:
 * a tiny static file through the same server, and a bare node:http server answering "ok" and the
 * same weights.bin bytes from memory (the ceilings of this machine and of the client).
 * Prints requests/s, latency p50/p99, errors and unexpected statuses per endpoint, checks every
 * artifact against its manifest sha256 after the load, and exits 1 on any error.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Manifest } from '../../src/model/artifacts.js';
import { parseCliArgs } from '../cli-args.js';
import { createStoreServer, listen } from '../http/server.js';
import { publishModel } from '../publish.js';
import { train } from '../train/command.js';
import { writeSyntheticDataset } from '../train/synthetic-dataset.js';

/** A merchant origin the requests carry, as a widget on the shop's pages would send. */
const SHOP_ORIGIN = 'https://shop.example';

interface Endpoint {
  name: string;
  path: string;
  /** The one status every answer must have. */
  status: number;
  headers?: Record<string, string>;
  /** Which server: the store server, or the bare reference. */
  target: 'store' | 'bare';
}

interface Row {
  endpoint: string;
  path: string;
  bytes: number | null;
  requestsPerSecond: number;
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  unexpectedStatus: number;
}

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

/**
 * Child mode: serve the store (artifacts) and a bare server, print both ports. The bare one answers
 * "ok", and /weights.bin with the published weights from memory: autocannon appends every body
 * to a string, which costs far more for binary than for text, so that row is the client's ceiling
 * for the real weights.bin row.
 */
async function serveChild(siteDir: string, modelsRoot: string, weightsPath: string): Promise<void> {
  const store = createStoreServer({ siteDir, modelsRoot, allowedOrigins: new Set([SHOP_ORIGIN]) });
  const weights = await readFile(weightsPath);
  const bare = createServer((request, response) => {
    if (request.url === '/weights.bin') {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(weights.length) }).end(weights);
    } else {
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    }
  });
  const storePort = await listen(store, 0, '127.0.0.1');
  const barePort = await listen(bare, 0, '127.0.0.1');
  process.stdout.write(`ports ${storePort} ${barePort}\n`);
  // Never outlive the bench: exit when the parent's end of stdin closes (it exited or was killed).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

function startChild(siteDir: string, modelsRoot: string, weightsPath: string): Promise<{ child: ChildProcess; storePort: number; barePort: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve-site', siteDir, '--serve-models', modelsRoot, '--serve-weights', weightsPath], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ports (\d+) (\d+)/.exec(out);
      if (match) resolve({ child, storePort: Number(match[1]), barePort: Number(match[2]) });
    });
    child.on('exit', (code) => reject(new Error(`server child exited early (code ${code})`)));
  });
}

async function measure(base: Record<Endpoint['target'], string>, endpoint: Endpoint, duration: number, connections: number): Promise<Row> {
  const result = await autocannon({
    url: base[endpoint.target] + endpoint.path,
    connections,
    duration,
    headers: endpoint.headers ?? {},
  });
  const stats = result.statusCodeStats ?? {};
  const expected = stats[String(endpoint.status) as `${number}`]?.count ?? 0;
  const answered = Object.values(stats).reduce((sum, entry) => sum + (entry.count ?? 0), 0);
  return {
    endpoint: endpoint.name,
    path: endpoint.path,
    bytes: null,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMeanMs: Math.round(result.latency.average * 100) / 100,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    unexpectedStatus: answered - expected,
  };
}

/** Every file of the version, fetched once, must match the manifest's sha256. */
async function verifyServed(base: string, version: string, manifest: Manifest): Promise<number> {
  let bad = 0;
  for (const [path, entry] of Object.entries(manifest.files)) {
    const body = Buffer.from(await (await fetch(`${base}/models/${version}/${path}`)).arrayBuffer());
    if (createHash('sha256').update(body).digest('hex') !== entry.sha256) {
      console.error(`  ${path}: served bytes do not match the manifest's sha256`);
      bad++;
    }
  }
  return bad;
}

async function main(): Promise<number> {
  const args = parseCliArgs(['load', ...process.argv.slice(2)]);
  if (args.has('serve-site')) {
    await serveChild(args.string('serve-site'), args.string('serve-models'), args.string('serve-weights'));
    return -1; // keep serving until the parent kills this process
  }
  args.allowOnly(['duration', 'connections', 'json']);
  const duration = args.number('duration', 10, { integer: true, min: 1, max: 120 });
  const connections = args.number('connections', 10, { integer: true, min: 1, max: 1000 });
  const jsonPath = args.optionalString('json');

  const work = await mkdtemp(join(tmpdir(), 'reco-load-'));
  let child: ChildProcess | null = null;
  try {
    const dataDir = join(work, 'data');
    const siteDir = join(work, 'site');
    const modelsRoot = join(work, 'models');
    await writeSyntheticDataset(dataDir, { users: 300, items: 200, eventsPerUser: 12, seed: 5, withItems: true });
    const trainStarted = performance.now();
    await train({ dataDir, outDir: join(work, 'model'), seed: 42, preset: 'small', quantization: 'uint8', log: () => undefined });
    console.log(`trained the small model in ${((performance.now() - trainStarted) / 1000).toFixed(1)} s`);
    const { version, dir } = await publishModel(join(work, 'model'), modelsRoot);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    await mkdir(siteDir, { recursive: true });
    await writeFile(join(siteDir, 'index.html'), '<!doctype html><title>load</title>');
    await writeFile(join(siteDir, 'ref.txt'), 'ok\n');

    const started = await startChild(siteDir, modelsRoot, join(dir, 'weights.bin'));
    child = started.child;
    const base = { store: `http://127.0.0.1:${started.storePort}`, bare: `http://127.0.0.1:${started.barePort}` };
    const etag = (await fetch(`${base.store}/models/${version}/weights.bin`)).headers.get('etag') ?? '';
    const origin = { Origin: SHOP_ORIGIN };
    const endpoints: Endpoint[] = [
      { name: 'reference: bare node:http "ok"', path: '/', status: 200, target: 'bare' },
      { name: 'reference: static 3-byte file', path: '/ref.txt', status: 200, target: 'store' },
      { name: 'reference: bare, weights.bin bytes', path: '/weights.bin', status: 200, target: 'bare' },
      { name: 'latest manifest (302)', path: '/models/latest/manifest.json', status: 302, target: 'store', headers: origin },
      { name: 'manifest.json', path: `/models/${version}/manifest.json`, status: 200, target: 'store', headers: origin },
      { name: 'model.json', path: `/models/${version}/model.json`, status: 200, target: 'store', headers: origin },
      { name: 'weights.bin', path: `/models/${version}/weights.bin`, status: 200, target: 'store', headers: origin },
      { name: 'weights.bin, If-None-Match (304)', path: `/models/${version}/weights.bin`, status: 304, target: 'store', headers: { ...origin, 'If-None-Match': etag } },
      { name: 'catalog.json', path: `/models/${version}/catalog.json`, status: 200, target: 'store', headers: origin },
      { name: 'fallback.json', path: `/models/${version}/fallback.json`, status: 200, target: 'store', headers: origin },
      // Measured again last: the spread between the two says how noisy the machine was.
      { name: 'reference again: bare node:http', path: '/', status: 200, target: 'bare' },
    ];

    console.log(`load test: ${endpoints.length} endpoints × ${duration} s, ${connections} connections, node ${process.version}, ${cpus().length} CPUs, load average ${load()}`);
    const rows: Row[] = [];
    for (const endpoint of endpoints) {
      const row = await measure(base, endpoint, duration, connections);
      const file = endpoint.path.startsWith(`/models/${version}/`) ? endpoint.path.slice(`/models/${version}/`.length) : null;
      row.bytes = file && endpoint.status === 200 ? manifest.files[file]?.bytes ?? null : null;
      rows.push(row);
      console.log(
        `  ${row.endpoint.padEnd(36)} ${String(row.requestsPerSecond).padStart(7)} req/s  mean ${row.latencyMeanMs.toFixed(2).padStart(6)} ms  p50 ${String(row.latencyP50Ms).padStart(3)} ms  p99 ${String(row.latencyP99Ms).padStart(4)} ms  ` +
          `${row.requests} requests, ${row.errors} errors, ${row.timeouts} timeouts, ${row.unexpectedStatus} unexpected status` +
          (row.bytes !== null ? `  (${row.bytes} bytes)` : ''),
      );
    }
    const corrupt = await verifyServed(base.store, version, manifest);
    const failures = rows.reduce((sum, row) => sum + row.errors + row.timeouts + row.unexpectedStatus, 0) + corrupt;
    console.log(`after the load: ${Object.keys(manifest.files).length} artifacts re-fetched, ${corrupt} sha256 mismatches; load average ${load()}`);
    console.log(failures === 0 ? 'zero errors' : `${failures} errors in all`);
    if (jsonPath) {
      await writeFile(jsonPath, JSON.stringify({ duration, connections, node: process.version, cpus: cpus().length, version, rows, corrupt }, null, 2) + '\n');
    }
    return failures === 0 ? 0 : 1;
  } finally {
    child?.removeAllListeners('exit');
    child?.kill('SIGTERM');
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main();
  if (code >= 0) process.exit(code);
}
