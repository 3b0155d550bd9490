/** Integrity of downloaded artifacts: sha256 (crypto.subtle) against the manifest. */
import type { ManifestFile } from './artifacts.js';

/** A file whose bytes do not match the manifest: never used, never cached. */
export class IntegrityError extends Error {
  constructor(
    readonly url: string,
    readonly field: 'sha256' | 'bytes',
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${url}: ${field} does not match the manifest (expected ${expected}, got ${actual})`);
    this.name = 'IntegrityError';
  }
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new Error('crypto.subtle is unavailable (not a secure context): cannot verify artifacts');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Throws IntegrityError unless `data` has the manifest's size and sha256. */
export async function verify(url: string, data: ArrayBuffer, expected: ManifestFile): Promise<void> {
  if (data.byteLength !== expected.bytes) throw new IntegrityError(url, 'bytes', String(expected.bytes), String(data.byteLength));
  const actual = await sha256Hex(data);
  if (actual !== expected.sha256.toLowerCase()) throw new IntegrityError(url, 'sha256', expected.sha256, actual);
}
