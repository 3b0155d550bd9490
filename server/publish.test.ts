import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishModel, readLatest, writeLatest } from './publish.js';

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'publish-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function modelDir(name: string, version: unknown, payload = 'weights'): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ schema: 1, version }));
  await writeFile(join(dir, 'weights.bin'), payload);
  return dir;
}

describe('publishModel', () => {
  it('moves the dir to <root>/<version> and points latest.json at it', async () => {
    const root = join(work, 'models');
    const published = await publishModel(await modelDir('out', '20260101T000000Z-aaaaaaaa'), root);
    expect(published).toEqual({ version: '20260101T000000Z-aaaaaaaa', dir: join(root, '20260101T000000Z-aaaaaaaa') });
    expect(await readFile(join(root, '20260101T000000Z-aaaaaaaa', 'weights.bin'), 'utf8')).toBe('weights');
    expect(JSON.parse(await readFile(join(root, 'latest.json'), 'utf8'))).toEqual({ version: '20260101T000000Z-aaaaaaaa' });
    expect(await readdir(work)).not.toContain('out');
  });

  it('keeps old versions and switches latest to the newest publish, leaving no temp files', async () => {
    const root = join(work, 'models');
    await publishModel(await modelDir('a', 'v1'), root);
    await publishModel(await modelDir('b', 'v2'), root);
    expect((await readdir(root)).sort()).toEqual(['latest.json', 'v1', 'v2']);
    expect(await readLatest(root)).toBe('v2');
  });

  it('never overwrites a published version: the first copy stays, latest still switches', async () => {
    const root = join(work, 'models');
    await publishModel(await modelDir('a', 'v1', 'first'), root);
    await publishModel(await modelDir('b', 'v2'), root);
    await publishModel(await modelDir('c', 'v1', 'second'), root);
    expect(await readFile(join(root, 'v1', 'weights.bin'), 'utf8')).toBe('first');
    expect(await readLatest(root)).toBe('v1');
  });

  it('refuses a version that is not a safe path segment, naming the field and value', async () => {
    const dir = await modelDir('bad', '../escape');
    await expect(publishModel(dir, join(work, 'models'))).rejects.toThrow(/manifest\.json: field "version" .*"\.\.\/escape"/);
  });

  it('refuses a dir without a manifest, naming the file', async () => {
    await mkdir(join(work, 'empty'));
    await expect(publishModel(join(work, 'empty'), join(work, 'models'))).rejects.toThrow(/empty\/manifest\.json: cannot read/);
  });
});

describe('latest pointer', () => {
  it('reads null before anything is published, and what writeLatest wrote after', async () => {
    expect(await readLatest(work)).toBeNull();
    await writeLatest(work, 'v9');
    expect(await readLatest(work)).toBe('v9');
    expect(await readdir(work)).toEqual(['latest.json']);
  });
});
