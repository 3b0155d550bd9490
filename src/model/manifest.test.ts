import { describe, expect, it } from 'vitest';
import { IntegrityError, sha256Hex, verify } from './integrity.js';
import { readLimited } from './artifact-cache.js';
import { MAX_ARTIFACT_BYTES, parseManifest } from './manifest.js';

const sha = 'a'.repeat(64);
const valid = {
  schema: 1,
  version: 'v1',
  createdAt: '2026-11-22T00:00:00Z',
  model: 'model.json',
  catalog: 'catalog.json',
  fallback: 'fallback.json',
  itemCount: 2,
  quantization: 'uint8',
  metrics: {},
  files: { 'model.json': { sha256: sha, bytes: 1 }, 'catalog.json': { sha256: sha, bytes: 1 }, 'fallback.json': { sha256: sha, bytes: 1 } },
};

describe('parseManifest', () => {
  it('accepts a valid manifest', () => {
    expect(parseManifest('m.json', valid).version).toBe('v1');
  });
  it('names the bad field and value', () => {
    expect(() => parseManifest('m.json', { ...valid, schema: 2 })).toThrow(/m\.json: field "schema" must be 1 \(value: 2\)/);
    expect(() => parseManifest('m.json', { ...valid, version: '' })).toThrow(/field "version"/);
    expect(() => parseManifest('m.json', { ...valid, files: { ...valid.files, 'model.json': { sha256: 'xyz', bytes: 1 } } })).toThrow(/files\["model.json"\]\.sha256.*"xyz"/);
    const { 'fallback.json': _dropped, ...files } = valid.files;
    expect(() => parseManifest('m.json', { ...valid, files })).toThrow(/to list "fallback.json"/);
  });
  it('refuses paths outside the version, a bad itemCount and absurd sizes', () => {
    for (const path of ['../other/catalog.json', 'a/../../catalog.json', '/catalog.json', 'https://evil.example/c.json', 'javascript:alert(1)', '//evil.example/c.json']) {
      expect(() => parseManifest('m.json', { ...valid, catalog: path }), path).toThrow(/field "catalog" must be a path relative to manifest\.json/);
    }
    expect(() => parseManifest('m.json', { ...valid, itemCount: '2' })).toThrow(/field "itemCount" must be a positive integer \(value: "2"\)/);
    expect(() => parseManifest('m.json', { ...valid, itemCount: 0 })).toThrow(/itemCount/);
    expect(() => parseManifest('m.json', { ...valid, files: { ...valid.files, 'catalog.json': { sha256: sha, bytes: MAX_ARTIFACT_BYTES + 1 } } })).toThrow(/bytes" must be a byte count up to/);
  });
});

describe('readLimited', () => {
  const body = (chunks: number[], headers: Record<string, string> = {}) =>
    new Response(new ReadableStream({ start(c) { for (const n of chunks) c.enqueue(new Uint8Array(n)); c.close(); } }), { headers });
  it('reads a body within the limit', async () => {
    expect((await readLimited(body([3, 4]), 7, 'f')).byteLength).toBe(7);
  });
  it('stops as soon as the body passes the limit, or when content-length announces more', async () => {
    await expect(readLimited(body([5, 5, 5]), 7, 'f')).rejects.toThrow(/f: bytes does not match the manifest \(expected at most 7, got more than 7\)/);
    await expect(readLimited(body([1], { 'content-length': '999' }), 7, 'f')).rejects.toThrow(/got 999/);
  });
});

describe('integrity', () => {
  const data = new TextEncoder().encode('abc').buffer as ArrayBuffer;
  it('computes sha256 like everyone else', async () => {
    expect(await sha256Hex(data)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('rejects a wrong size or digest', async () => {
    await expect(verify('f', data, { sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', bytes: 3 })).resolves.toBeUndefined();
    await expect(verify('f', data, { sha256: sha, bytes: 3 })).rejects.toBeInstanceOf(IntegrityError);
    await expect(verify('f', data, { sha256: sha, bytes: 4 })).rejects.toThrow(/bytes does not match.*expected 4, got 3/);
  });
});
