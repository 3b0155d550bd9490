/**
 * The training server's write API, mounted under /api/ by the HTTP server. For the merchant's
 * back office and scripts, never for shoppers' browsers (no CORS here).
 *
 *   PUT|POST /api/datasets/<name>/<file>.csv   upload events|items|train|valid|test.csv (201)
 *   POST     /api/train    {"dataset", "seed"?, "preset"?, "quantization"?}   → 202 + a job
 *   POST     /api/publish  {"version", "keep"?}   switch latest to a trained (or older) version
 *   GET      /api/jobs/<id>                       a train/publish job's state
 *
 * Every route needs `Authorization: Bearer <token>` (401 without, 403 wrong; compared in constant
 * time). With no token configured the API does not exist (404): it is never open.
 * Uploads stream to a temp file (413 past the size limit), are validated by the dataset loader
 * and only then renamed over the old file, so a bad upload leaves the stored file as it was and
 * answers 400 with the loader's file:line field/value message. Train and publish run one at a
 * time through a FIFO job queue; a publish is switched in only after every file of the version
 * matches its manifest's sha256.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decodeCsv } from '../data/csv.js';
import { parseEvents, parseItems, requireEvents } from '../data/load.js';
import { DataError } from '../data/types.js';
import { JobQueue } from '../jobs.js';
import { pruneVersions, verifyVersionDir } from '../prune.js';
import { isSafeVersion, publishModel, readLatest, writeLatest } from '../publish.js';
import type { Manifest } from '../../src/model/artifacts.js';
import type { TrainOptions, TrainResult } from '../train/command.js';

export type TrainFunction = (options: TrainOptions) => Promise<TrainResult>;

export interface ApiOptions {
  /** The bearer token; default `RECO_API_TOKEN`. Empty or absent: the API is disabled (404). */
  token?: string | null;
  /** Uploaded datasets: `<datasetsRoot>/<name>/events.csv`, … */
  datasetsRoot: string;
  /** The publish root the store server reads (`latest.json`, `<version>/`). */
  modelsRoot: string;
  /** Trained, not yet published versions: `<stagingRoot>/<version>/`. Same file system as modelsRoot, ideally. */
  stagingRoot: string;
  /** Largest accepted upload in bytes; default 100 MiB. */
  maxUploadBytes?: number;
  /** After a publish, keep this many versions (plus latest) and delete older ones; default 5, 0 = never prune. */
  keepVersions?: number;
  /** Shared with whatever else must not run beside train/publish; default a new queue. */
  queue?: JobQueue;
  /** Default: trainInChildProcess (server/train/command.ts's train() in a child process). */
  train?: TrainFunction;
  log?: (line: string) => void;
}

export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** The shortest token accepted: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 16;
const MAX_JSON_BYTES = 16 * 1024;
const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const DATASET_FILES = ['events.csv', 'items.csv', 'train.csv', 'valid.csv', 'test.csv'] as const;
/** Dataset names become directory names: a safe alphabet, no dot segments. */
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PRESETS = ['small', 'full'] as const;
const QUANTIZATIONS = ['uint8', 'float16', 'float32'] as const;

class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** Reads the token from options or the environment; refuses one too short to protect anything. */
export function resolveToken(token: string | null | undefined): string | null {
  const value = token === undefined ? process.env.RECO_API_TOKEN : token;
  if (!value) return null;
  if (value.length < MIN_TOKEN_LENGTH) {
    throw new Error(`RECO_API_TOKEN: must be at least ${MIN_TOKEN_LENGTH} characters (value has ${value.length}); e.g. \`openssl rand -hex 32\``);
  }
  return value;
}

/** Compares hashes of the two, so the time taken says nothing about the token or its length. */
function tokenMatches(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body) + '\n';
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

function requireMethod(request: IncomingMessage, allowed: readonly string[]): void {
  if (!allowed.includes(request.method ?? '')) {
    throw new ApiError(405, `method ${request.method} not allowed here (allowed: ${allowed.join(', ')})`, { allow: allowed.join(', ') });
  }
}

/** Counts bytes through a stream and fails once there are more than `limit`. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new ApiError(413, `upload is larger than the limit of ${limit} bytes`));
      else callback(null, chunk);
    },
  });
}

/**
 * Streams the request body into `path`, failing with a 413 past `limit` bytes. The request is
 * piped rather than put in the pipeline: on failure the pipeline would destroy it, and with it the
 * socket the 413 must still go out on.
 */
async function receive(request: IncomingMessage, path: string, limit: number): Promise<void> {
  const limiter = byteLimit(limit);
  const abort = (): void => {
    if (!request.complete) limiter.destroy(new ApiError(400, 'the upload was aborted before it was complete'));
  };
  request.once('close', abort);
  request.once('error', abort);
  try {
    request.pipe(limiter);
    await pipeline(limiter, createWriteStream(path, { flags: 'wx' }));
  } finally {
    request.off('close', abort);
    request.off('error', abort);
    request.unpipe(limiter);
  }
}

function declaredLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length'];
  return header === undefined ? null : Number(header);
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const length = declaredLength(request);
  if (length !== null && length > MAX_JSON_BYTES) throw new ApiError(413, `request body is larger than the limit of ${MAX_JSON_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new ApiError(413, `request body is larger than the limit of ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ApiError(400, `request body is not JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function fieldError(field: string, value: unknown, expected: string): ApiError {
  return new ApiError(400, `field "${field}" ${expected} (value: ${JSON.stringify(value)})`, { field, value });
}

function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw fieldError(key, body[key], `is not a known field (fields: ${allowed.join(', ')})`);
  }
}

function choice<T extends string>(body: Record<string, unknown>, field: string, values: readonly T[], fallback: T): T {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !values.includes(value as T)) throw fieldError(field, value, `must be one of ${values.join(', ')}`);
  return value as T;
}

function integer(body: Record<string, unknown>, field: string, min: number, max: number, fallback: number): number {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fieldError(field, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** Validates an uploaded CSV with the loader, naming it `<dataset>/<file>` in messages. */
function validateUpload(bytes: Buffer, label: string, file: (typeof DATASET_FILES)[number]): { records: number; warnings: string[] } {
  const text = decodeCsv(bytes, label);
  const warnings: string[] = [];
  if (file === 'items.csv') return { records: parseItems(text, label, warnings).size, warnings };
  const events = parseEvents(text, label);
  if (file === 'events.csv' || file === 'train.csv') requireEvents(events, label);
  return { records: events.length, warnings };
}

const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Runs `server/cli.ts train` in a child process: training's CPU-bound steps would otherwise stall
 * the event loop that serves artifacts, and a crash while training becomes a failed job instead
 * of a dead server. Log lines are passed on; the error is the command's one-line message.
 */
export function trainInChildProcess(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const args = ['--import', 'tsx', join(repoRoot, 'server', 'cli.ts'), 'train', '--data', options.dataDir, '--out', options.outDir,
    '--seed', String(options.seed), '--preset', options.preset, '--quantization', options.quantization];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.log(line);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4096)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending) options.log(pending);
      if (code !== 0) {
        const message = stderr.trim().split('\n').at(-1)?.replace(/^error: /, '') || `exited with ${signal ?? `code ${code}`}`;
        reject(new Error(`training failed: ${message}`));
        return;
      }
      const manifestPath = join(options.outDir, 'manifest.json');
      readFile(manifestPath, 'utf8').then((text) => {
        const manifest = JSON.parse(text) as Manifest;
        resolve({ manifestPath, metrics: manifest.metrics, seconds: (performance.now() - started) / 1000 });
      }, reject);
    });
  });
}

export function createApiHandler(options: ApiOptions): ApiHandler {
  const token = resolveToken(options.token);
  const queue = options.queue ?? new JobQueue();
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const keepVersions = options.keepVersions ?? 5;
  const log = options.log ?? (() => undefined);
  const train: TrainFunction = options.train ?? trainInChildProcess;

  async function upload(request: IncomingMessage, response: ServerResponse, dataset: string, file: string): Promise<void> {
    requireMethod(request, ['PUT', 'POST']);
    if (!DATASET_NAME.test(dataset)) throw fieldError('dataset', dataset, `must match ${DATASET_NAME}`);
    if (!(DATASET_FILES as readonly string[]).includes(file)) throw fieldError('file', file, `must be one of ${DATASET_FILES.join(', ')}`);
    const length = declaredLength(request);
    if (length !== null && length > maxUploadBytes) {
      throw new ApiError(413, `upload is ${length} bytes, larger than the limit of ${maxUploadBytes} bytes`);
    }
    const dir = join(options.datasetsRoot, dataset);
    await mkdir(dir, { recursive: true });
    // Dot-named, in the same directory: invisible to the loader, and the rename below is atomic.
    const temp = join(dir, `.upload-${randomUUID()}.tmp`);
    let stored = false;
    try {
      await receive(request, temp, maxUploadBytes);
      const bytes = await readFile(temp);
      const { records, warnings } = validateUpload(bytes, `${dataset}/${file}`, file as (typeof DATASET_FILES)[number]);
      await rename(temp, join(dir, file));
      stored = true;
      log(`api: stored ${dataset}/${file} (${records} records)`);
      sendJson(response, 201, { dataset, file, bytes: bytes.length, records, warnings });
    } finally {
      await rm(temp, { force: true });
      // A first upload that failed leaves no empty dataset behind (rmdir refuses a non-empty dir).
      if (!stored) await rmdir(dir).catch(() => undefined);
    }
  }

  async function startTraining(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireMethod(request, ['POST']);
    const body = await readJsonBody(request);
    onlyFields(body, ['dataset', 'seed', 'preset', 'quantization']);
    const dataset = body['dataset'];
    if (typeof dataset !== 'string' || !DATASET_NAME.test(dataset)) throw fieldError('dataset', dataset, `must be a dataset name matching ${DATASET_NAME}`);
    const dataDir = join(options.datasetsRoot, dataset);
    if (!(await isDirectory(dataDir))) throw new ApiError(404, `dataset ${JSON.stringify(dataset)} has not been uploaded`, { field: 'dataset', value: dataset });
    const seed = integer(body, 'seed', 0, 2 ** 31 - 1, 42);
    const preset = choice(body, 'preset', PRESETS, 'full');
    const quantization = choice(body, 'quantization', QUANTIZATIONS, 'uint8');
    const job = queue.enqueue('train', async () => {
      await mkdir(options.stagingRoot, { recursive: true });
      const outDir = join(options.stagingRoot, `.train-${randomUUID()}`);
      try {
        const result = await train({ dataDir, outDir, seed, preset, quantization, log: (line) => log(`train: ${line}`) });
        const { version } = await verifyVersionDir(outDir);
        const staged = join(options.stagingRoot, version);
        if (await isDirectory(staged)) await rm(staged, { recursive: true, force: true });
        await rename(outDir, staged);
        return { version, dataset, seed, preset, quantization, metrics: result.metrics, seconds: result.seconds };
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    });
    job.done.catch(() => undefined); // the failure is kept in the job's state
    sendJson(response, 202, job.view(), { Location: `/api/jobs/${job.id}` });
  }

  async function publish(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireMethod(request, ['POST']);
    const body = await readJsonBody(request);
    onlyFields(body, ['version', 'keep']);
    const version = body['version'];
    if (typeof version !== 'string' || !isSafeVersion(version)) throw fieldError('version', version, 'must be a version name (as GET /api/jobs/<id> reports it)');
    const keep = integer(body, 'keep', 0, 1000, keepVersions);
    const job = queue.enqueue('publish', async () => {
      const previous = await readLatest(options.modelsRoot);
      const staged = join(options.stagingRoot, version);
      const published = join(options.modelsRoot, version);
      const source = (await isDirectory(staged)) ? staged : (await isDirectory(published)) ? published : null;
      if (!source) throw new ApiError(404, `version ${JSON.stringify(version)} is neither trained nor published`, { field: 'version', value: version });
      const manifest = await verifyVersionDir(source).catch((error: Error) => {
        throw new ApiError(422, `version ${version} is incomplete, not published: ${error.message}`, { field: 'version', value: version });
      });
      if (manifest.version !== version) throw fieldError('version', version, `does not match the manifest's version ${JSON.stringify(manifest.version)}`);
      if (source === staged) await publishModel(staged, options.modelsRoot);
      else await writeLatest(options.modelsRoot, version);
      const pruned = keep > 0 ? (await pruneVersions(options.modelsRoot, keep)).removed : [];
      log(`api: latest is now ${version} (was ${previous ?? 'none'}; pruned ${pruned.length})`);
      return { version, previous, pruned };
    });
    const result = await job.done;
    sendJson(response, 200, { ...result, job: job.id });
  }

  function jobState(request: IncomingMessage, response: ServerResponse, id: string): void {
    requireMethod(request, ['GET', 'HEAD']);
    const view = queue.get(id);
    if (!view) throw new ApiError(404, `no job ${JSON.stringify(id)}`);
    sendJson(response, 200, view);
  }

  async function route(request: IncomingMessage, response: ServerResponse, segments: string[]): Promise<void> {
    if (!token) throw new ApiError(404, 'the write API is disabled: set RECO_API_TOKEN to enable it');
    const authorization = request.headers.authorization;
    const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!bearer) throw new ApiError(401, 'missing "Authorization: Bearer <token>"', { authenticate: 'Bearer realm="reco-api"' });
    if (!tokenMatches(bearer, token)) throw new ApiError(403, 'wrong token');

    const [first, ...rest] = segments;
    if (first === 'datasets' && rest.length === 2) return upload(request, response, rest[0]!, rest[1]!);
    if (first === 'train' && rest.length === 0) return startTraining(request, response);
    if (first === 'publish' && rest.length === 0) return publish(request, response);
    if (first === 'jobs' && rest.length === 1) return jobState(request, response, rest[0]!);
    throw new ApiError(404, 'no such API route (routes: PUT /api/datasets/<name>/<file>.csv, POST /api/train, POST /api/publish, GET /api/jobs/<id>)');
  }

  return async (request, response) => {
    const path = (request.url ?? '/').split(/[?#]/, 1)[0]!;
    if (path !== '/api' && !path.startsWith('/api/')) return false;
    try {
      const segments = path.split('/').slice(2).map((raw) => {
        let segment: string;
        try {
          segment = decodeURIComponent(raw);
        } catch {
          throw new ApiError(400, 'malformed percent-encoding in the path');
        }
        if (segment === '.' || segment === '..' || /[\\/\0]/.test(segment)) throw new ApiError(400, 'path segment not allowed', { value: segment });
        return segment;
      }).filter((segment) => segment !== '');
      await route(request, response, segments);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return true;
      }
      const headers: Record<string, string> = {};
      // The body of a refused upload is not read: close the connection rather than drain it.
      if (!request.complete) headers['Connection'] = 'close';
      if (error instanceof DataError) {
        sendJson(response, 400, { error: error.message, file: error.file, line: error.line, field: error.field, value: error.value }, headers);
      } else if (error instanceof ApiError) {
        if (error.details['allow']) headers['Allow'] = String(error.details['allow']);
        if (error.details['authenticate']) headers['WWW-Authenticate'] = String(error.details['authenticate']);
        const { allow: _allow, authenticate: _authenticate, ...details } = error.details;
        sendJson(response, error.status, { error: error.message, ...details }, headers);
      } else {
        log(`api: ${request.method} ${path}: ${(error as Error).stack ?? String(error)}`);
        sendJson(response, 500, { error: 'internal error' }, headers);
      }
    }
    return true;
  };
}
