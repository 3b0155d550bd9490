/**
 * Atomic publishing under crashes: a child process exports and publishes versions in a loop
 * (model-export/export.ts → verify → server/publish.ts, the path POST /api/publish takes) and is
 * killed with SIGKILL at a seeded random moment, several times over the same publish root.
 * After every kill, latest.json must point at a complete version whose files all match the
 * manifest's sha256, and the next writer must carry on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyVersionDir } from './prune.js';
import { readLatest } from './publish.js';

const repo = resolve(import.meta.dirname, '..');
const KILLS = 6;

/** The writer: exports a ~2 MB float32 model per loop and publishes it, saying which phase it is in. */
const CHILD = `
import { join } from 'node:path';
const { exportModel } = await import(${JSON.stringify(pathToFileURL(join(repo, 'model-export/export.ts')).href)});
const { publishModel } = await import(${JSON.stringify(pathToFileURL(join(repo, 'server/publish.ts')).href)});
const { verifyVersionDir } = await import(${JSON.stringify(pathToFileURL(join(repo, 'server/prune.ts')).href)});
const { defaultEncoderConfig } = await import(${JSON.stringify(pathToFileURL(join(repo, 'src/model/encoder.ts')).href)});
const [root, staging, run] = process.argv.slice(2);
// Never outlive the test: exit when the parent's end of stdin closes.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();
const items = 8192, dims = 64;
for (let i = 0; ; i++) {
  const values = new Float32Array(items * dims).fill(Number(run) + i / 1000);
  const model = {
    config: defaultEncoderConfig({ dims }),
    weights: [{ name: 'item_matrix', shape: [items, dims], values }],
    quantization: 'float32',
    catalog: { items: Array.from({ length: items }, (_, n) => ({ id: 'i' + n, title: 'Item ' + n, category: 'c', price: null })) },
    fallback: { popular: [], next: {} },
    metrics: {},
    createdAt: new Date(Date.UTC(2026, 0, 1) + Number(run) * 3_600_000 + i * 1000),
  };
  const out = join(staging, 'run' + run + '-' + i);
  process.stdout.write('export\\n');
  await exportModel(out, model);
  process.stdout.write('verify\\n');
  await verifyVersionDir(out);
  process.stdout.write('publish\\n');
  await publishModel(out, root);
  process.stdout.write('published\\n');
}
`;

/** Park–Miller: the kill moments are random but the same on every run of the test. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

let work: string;
let childScript: string;
/** Writers still running (only if a test failed half-way). */
const live = new Set<ChildProcess>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'publish-crash-'));
  childScript = join(work, 'writer.mjs');
  await writeFile(childScript, CHILD);
});
afterAll(async () => {
  for (const child of live) child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

interface KillReport {
  phase: string;
  published: number;
}

/** Starts the writer; once it has published `before` versions, kills it after `delayMs`. */
function runAndKill(root: string, staging: string, run: number, before: number, delayMs: number): Promise<KillReport> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childScript, root, staging, String(run)], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let phase = 'starting';
    let published = 0;
    let stderr = '';
    let armed = false;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        phase = line;
        if (line === 'published') published++;
        if (!armed && published >= before) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (signal === 'SIGKILL') resolvePromise({ phase, published });
      else reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

describe('publishing under SIGKILL', () => {
  it(`leaves latest.json on a complete, sha256-verified version after each of ${KILLS} kills`, { timeout: 240_000 }, async () => {
    const root = join(work, 'models');
    const staging = join(work, 'staging');
    const random = seeded(20261122);
    const phases: string[] = [];
    let totalPublished = 0;
    for (let run = 0; run < KILLS; run++) {
      // The first run publishes once before its kill, so there is always a latest to protect.
      const report = await runAndKill(root, staging, run, run === 0 ? 1 : 0, Math.floor(random() * 250));
      phases.push(report.phase);
      totalPublished += report.published;
      const latest = await readLatest(root);
      expect(latest, `run ${run}`).not.toBeNull();
      const manifest = await verifyVersionDir(join(root, latest!));
      expect(manifest.version).toBe(latest);
      // Every version dir in the root is complete too: publishing moves only finished dirs.
      for (const name of (await readdir(root)).filter((entry) => !entry.startsWith('.') && entry !== 'latest.json')) {
        await expect(verifyVersionDir(join(root, name)), `run ${run}: ${name}`).resolves.toMatchObject({ version: name });
      }
    }
    expect(totalPublished).toBeGreaterThanOrEqual(1);
    // Where the kills landed (export / verify / publish / published / starting), for the report.
    console.log(`publish-crash: ${KILLS} kills, landed in phases ${JSON.stringify(phases)}, ${totalPublished} publishes completed`);
  });
});
