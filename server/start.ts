/**
 * `npm start`: generate the demo shop → train (and export) a model → publish it → build the demo
 * store → serve both, printing the URL. Each step is skipped when its inputs (settings, the
 * source files it depends on, package-lock.json) hash to what the last run recorded.
 *
 *   npm start                              the demo shop (≈2,000 products), the full model
 *   npm start -- --profile test            the small shop and model the e2e tests use
 *   npm start -- --prepare-only            everything but serving (CI, timing)
 *
 * Environment: PORT (default 8080), HOST (default: every interface), RECO_WORK_DIR (default
 * .cache/); all output lives in `$RECO_WORK_DIR/<profile>/`, so runs with different work dirs
 * never collide.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_SHOP, TEST_SHOP, writeDemoShop, type DemoShopOptions } from './demo/generate.js';
import { createApiHandler } from './http/api.js';
import { createStoreServer, listen } from './http/server.js';
import { publishModel, readLatest, writeLatest } from './publish.js';

const repoRoot = resolve(import.meta.dirname, '..');

export type ProfileName = 'demo' | 'test';

export interface Profile {
  name: ProfileName;
  shop: DemoShopOptions;
  train: { preset: 'full' | 'small'; quantization: 'uint8' | 'float16' | 'float32'; seed: number };
}

/**
 * The demo trains the 'small' preset: on the 2,000-item demo shop it matched the 'full' preset
 * (test NDCG@10 0.314 vs 0.302) in ~45 s instead of ~400 s, and a newcomer is waiting.
 */
export const PROFILES: Record<ProfileName, Profile> = {
  demo: { name: 'demo', shop: DEMO_SHOP, train: { preset: 'small', quantization: 'uint8', seed: 42 } },
  test: { name: 'test', shop: TEST_SHOP, train: { preset: 'small', quantization: 'uint8', seed: 42 } },
};

/** The source each step depends on (relative to the repo; test files never count). */
const STEP_SOURCES = {
  generate: ['server/demo', 'server/random.ts'],
  train: ['server/data', 'server/train', 'server/eval', 'server/random.ts', 'server/cli-args.ts', 'model-export', 'src/model', 'src/ranking', 'package-lock.json'],
  build: ['src', 'public', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'],
} as const;

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [path];
  const files: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(child)));
    else if (entry.isFile() && !/\.(test|spec)\.ts$/.test(entry.name)) files.push(child);
  }
  return files;
}

/** sha256 over settings and the (path, content) of every source file, in a stable order. */
export async function hashInputs(root: string, sources: readonly string[], settings: unknown): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(settings ?? null));
  for (const source of sources) {
    for (const file of await listFiles(join(root, source))) {
      hash.update(`\0${relative(root, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

interface Stamp<T> {
  inputs: string;
  result: T;
}

async function readStamp<T>(path: string): Promise<Stamp<T> | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Stamp<T>;
  } catch {
    return null;
  }
}

async function writeStamp<T>(path: string, stamp: Stamp<T>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(stamp, null, 2) + '\n');
}

export interface StepReport {
  step: string;
  seconds: number;
  reused: boolean;
}

/**
 * Runs `work` unless the stamp at `stampPath` records the same input hash and `stillValid`
 * agrees that its output is still there. Returns the (new or recorded) result.
 */
export async function cachedStep<T>(
  name: string,
  stampPath: string,
  inputs: string,
  work: () => Promise<T>,
  stillValid: (result: T) => Promise<boolean>,
  reports: StepReport[],
  log: (line: string) => void,
): Promise<T> {
  const started = performance.now();
  const stamp = await readStamp<T>(stampPath);
  if (stamp && stamp.inputs === inputs && (await stillValid(stamp.result))) {
    const seconds = (performance.now() - started) / 1000;
    reports.push({ step: name, seconds, reused: true });
    log(`${name}: up to date, reused (${seconds.toFixed(1)} s)`);
    return stamp.result;
  }
  log(`${name}: running…`);
  const result = await work();
  await writeStamp(stampPath, { inputs, result });
  const seconds = (performance.now() - started) / 1000;
  reports.push({ step: name, seconds, reused: false });
  log(`${name}: done in ${seconds.toFixed(1)} s`);
  return result;
}

/** The model helper's trainer, loaded only when a model must be trained (it pulls in tfjs). */
async function loadTrainer(): Promise<typeof import('./train/command.js').train> {
  return (await import('./train/command.js')).train;
}

/** "model vs popularity" lines from the manifest metrics (keys like test.ndcg@10, popularity.test.ndcg@10). */
export function formatComparison(metrics: Record<string, number>): string[] {
  const lines: string[] = [];
  for (const metric of ['hr@10', 'ndcg@10']) {
    const model = metrics[`test.${metric}`];
    const popularity = metrics[`popularity.test.${metric}`];
    if (model === undefined || popularity === undefined) continue;
    const ratio = popularity > 0 ? ` (×${(model / popularity).toFixed(1)})` : '';
    lines.push(`  test ${metric.toUpperCase()}: model ${model.toFixed(4)} vs popularity ${popularity.toFixed(4)}${ratio}`);
  }
  return lines;
}

async function buildStore(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(repoRoot, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

export interface PreparedStore {
  siteDir: string;
  modelsRoot: string;
  version: string;
  metrics: Record<string, number>;
  steps: StepReport[];
}

/** Every step but serving. */
export async function prepareStore(profile: Profile, workDir: string, log: (line: string) => void): Promise<PreparedStore> {
  const profileDir = join(workDir, profile.name);
  const dataDir = join(profileDir, 'data');
  const modelsRoot = join(profileDir, 'models');
  const siteDir = join(profileDir, 'site');
  const stamps = join(profileDir, 'stamps');
  const steps: StepReport[] = [];
  const lockHash = await hashInputs(repoRoot, ['package-lock.json'], null);

  const generateInputs = await hashInputs(repoRoot, STEP_SOURCES.generate, profile.shop);
  await cachedStep(
    'generate demo data',
    join(stamps, 'generate.json'),
    generateInputs,
    async () => {
      const written = await writeDemoShop(dataDir, profile.shop);
      log(`  ${written.items} products, ${written.shoppers} shoppers, ${written.events} events → ${relative(repoRoot, dataDir) || dataDir}`);
      return written;
    },
    async () => (await stat(join(dataDir, 'events.csv')).catch(() => null)) !== null,
    steps,
    log,
  );

  const trainInputs = await hashInputs(repoRoot, STEP_SOURCES.train, { data: generateInputs, train: profile.train, lockHash });
  const trained = await cachedStep(
    'train + export + publish',
    join(stamps, 'train.json'),
    trainInputs,
    async () => {
      const train = await loadTrainer();
      const outDir = join(profileDir, `train-out-${process.pid}`);
      await rm(outDir, { recursive: true, force: true });
      const result = await train({ dataDir, outDir, ...profile.train, log: (line) => log(`  ${line}`) });
      const published = await publishModel(dirname(result.manifestPath), modelsRoot);
      await rm(outDir, { recursive: true, force: true });
      log(`  published ${published.version}`);
      return { version: published.version, metrics: result.metrics, trainSeconds: result.seconds };
    },
    async (result) => (await stat(join(modelsRoot, result.version, 'manifest.json')).catch(() => null)) !== null,
    steps,
    log,
  );
  // A reused model may not be the latest one (another run published since): point latest back at it.
  if ((await readLatest(modelsRoot)) !== trained.version) await writeLatest(modelsRoot, trained.version);

  const buildInputs = await hashInputs(repoRoot, STEP_SOURCES.build, { outDir: siteDir });
  await cachedStep(
    'build demo store',
    join(stamps, 'build.json'),
    buildInputs,
    async () => {
      await buildStore(siteDir);
      return { siteDir };
    },
    async () => (await stat(join(siteDir, 'index.html')).catch(() => null)) !== null,
    steps,
    log,
  );

  return { siteDir, modelsRoot, version: trained.version, metrics: trained.metrics, steps };
}

function parseArgs(argv: readonly string[]): { profile: Profile; prepareOnly: boolean } {
  let profileName: string = 'demo';
  let prepareOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--profile') profileName = argv[++i] ?? '';
    else if (arg.startsWith('--profile=')) profileName = arg.slice('--profile='.length);
    else if (arg === '--prepare-only') prepareOnly = true;
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --profile demo|test, --prepare-only)`);
  }
  if (profileName !== 'demo' && profileName !== 'test') {
    throw new Error(`--profile must be "demo" or "test" (value: ${JSON.stringify(profileName)})`);
  }
  return { profile: PROFILES[profileName], prepareOnly };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0–65535 (value: ${JSON.stringify(value)})`);
  return port;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { profile, prepareOnly } = parseArgs(process.argv.slice(2));
  const port = parsePort(process.env.PORT);
  const workDir = resolve(repoRoot, process.env.RECO_WORK_DIR || '.cache');
  const log = (line: string): void => console.log(line);
  log(`reco: profile "${profile.name}", work dir ${workDir}`);

  const prepared = await prepareStore(profile, workDir, log);
  log(`model ${prepared.version}`);
  for (const line of formatComparison(prepared.metrics)) log(line);
  log(`steps: ${prepared.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s${s.reused ? ' (reused)' : ''}`).join(', ')}`);
  if (prepareOnly) {
    log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s (not serving: --prepare-only)`);
    return;
  }

  // The write API (upload, train, publish) exists only when a token is configured: never open.
  const api = process.env.RECO_API_TOKEN
    ? createApiHandler({
        modelsRoot: prepared.modelsRoot,
        datasetsRoot: join(workDir, profile.name, 'datasets'),
        stagingRoot: join(workDir, profile.name, 'staging'),
        log,
      })
    : undefined;
  const server = createStoreServer({ siteDir: prepared.siteDir, modelsRoot: prepared.modelsRoot, api });
  const bound = await listen(server, port, process.env.HOST || undefined);
  log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  log(`demo store: http://localhost:${bound}/`);
  if (api) log(`write API: http://localhost:${bound}/api/ (Bearer RECO_API_TOKEN)`);
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const err = error as Error;
    console.error(`reco start failed: ${err.name === 'DataError' ? err.message : (err.stack ?? String(error))}`);
    process.exit(1);
  });
}
