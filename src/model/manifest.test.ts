import { describe, expect, it } from 'vitest';
import { IntegrityError, sha256Hex, verify } from './integrity.js';
import { parseManifest } from './manifest.js';

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
