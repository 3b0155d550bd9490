import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/model/artifacts.js';
import { listVersions, pruneVersions, verifyVersionDir } from './prune.js';
import { writeLatest } from './publish.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'prune-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes a complete version dir whose manifest lists every file with its sha256. */
async function writeVersion(version: string, createdAt: string, files: Record<string, string> = {}): Promise<string> {
  const dir = join(root, version);
  await mkdir(dir, { recursive: true });
  const content: Record<string, string> = { 'model.json': '{}', 'weights.bin': version, 'catalog.json': '{"items":[]}', 'fallback.json': '{}', ...files };
  const entries: Manifest['files'] = {};
  for (const [path, text] of Object.entries(content)) {
    await writeFile(join(dir, path), text);
    entries[path] = { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
  }
  const manifest = { schema: 1, version, createdAt, model: 'model.json', catalog: 'catalog.json', fallback: 'fallback.json', itemCount: 0, quantization: 'uint8', metrics: {}, files: entries };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('verifyVersionDir', () => {
  it('accepts a complete version and returns its manifest', async () => {
    const dir = await writeVersion('v1', '2026-01-01T00:00:00Z');
    expect((await verifyVersionDir(dir)).version).toBe('v1');
  });

  it('refuses a file whose content changed, naming the file, field and both hashes', async () => {
    const dir = await writeVersion('v1', '2026-01-01T00:00:00Z');
    await writeFile(join(dir, 'weights.bin'), 'v2'); // same size, other bytes
    await expect(verifyVersionDir(dir)).rejects.toThrow(/weights\.bin: field "files\.weights\.bin\.sha256" does not match the file \(value: "[0-9a-f]{64}", file: [0-9a-f]{64}\)/);
  });

  it('refuses a truncated file, a missing file and a missing manifest', async () => {
    const dir = await writeVersion('v1', '2026-01-01T00:00:00Z');
    await writeFile(join(dir, 'catalog.json'), '{');
    await expect(verifyVersionDir(dir)).rejects.toThrow('field "files.catalog.json.bytes" is 12 but the file has 1 bytes');
    await rm(join(dir, 'catalog.json'));
    await expect(verifyVersionDir(dir)).rejects.toThrow('catalog.json: listed in the manifest but missing');
    await rm(join(dir, 'manifest.json'));
    await expect(verifyVersionDir(dir)).rejects.toThrow(/manifest\.json: cannot read the manifest/);
  });

  it('refuses a manifest that lists a path outside its directory', async () => {
    await writeFile(join(root, 'outside.txt'), 'x');
    const dir = await writeVersion('v1', '2026-01-01T00:00:00Z');
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    manifest.files['../outside.txt'] = { sha256: createHash('sha256').update('x').digest('hex'), bytes: 1 };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(verifyVersionDir(dir)).rejects.toThrow('field "files" lists a path outside the version (value: "../outside.txt")');
  });
});

describe('pruneVersions', () => {
  it('keeps the newest N and the version latest points at, and removes the rest', async () => {
    for (let n = 1; n <= 5; n++) await writeVersion(`v${n}`, `2026-01-0${n}T00:00:00Z`);
    await writeLatest(root, 'v1');
    const result = await pruneVersions(root, 2);
    expect(result).toEqual({ kept: ['v5', 'v4', 'v1'], removed: ['v3', 'v2'] });
    expect((await readdir(root)).sort()).toEqual(['latest.json', 'v1', 'v4', 'v5']);
    expect((await verifyVersionDir(join(root, 'v1'))).version).toBe('v1');
  });

  it('orders by the manifest createdAt, not by name, and never touches dot-dirs or other files', async () => {
    await writeVersion('b-older', '2025-06-01T00:00:00Z');
    await writeVersion('a-newer', '2026-06-01T00:00:00Z');
    await mkdir(join(root, '.out.tmp-123'));
    await writeFile(join(root, 'notes.txt'), 'keep me');
    await writeLatest(root, 'a-newer');
    expect((await listVersions(root)).map((v) => v.version)).toEqual(['a-newer', 'b-older']);
    expect(await pruneVersions(root, 1)).toEqual({ kept: ['a-newer'], removed: ['b-older'] });
    expect((await readdir(root)).sort()).toEqual(['.out.tmp-123', 'a-newer', 'latest.json', 'notes.txt']);
  });

  it('removes nothing when there are no more versions than it keeps, and works before any publish', async () => {
    expect(await pruneVersions(join(root, 'absent'), 3)).toEqual({ kept: [], removed: [] });
    await writeVersion('v1', '2026-01-01T00:00:00Z');
    expect(await pruneVersions(root, 3)).toEqual({ kept: ['v1'], removed: [] });
  });

  it('refuses a keep count below 1', async () => {
    await expect(pruneVersions(root, 0)).rejects.toThrow('keep must be an integer ≥ 1 (value: 0)');
  });
});
