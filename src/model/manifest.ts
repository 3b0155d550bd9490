/** Reading manifest.json: shape checks with messages that name the field and the value. */
import type { Manifest } from './artifacts.js';

/** A manifest (or other artifact JSON) that does not have the expected shape. */
export class ArtifactFormatError extends Error {
  constructor(url: string, field: string, value: unknown, expected: string) {
    const shown = JSON.stringify(value) ?? String(value);
    super(`${url}: field "${field}" must be ${expected} (value: ${shown.length > 80 ? shown.slice(0, 80) + '…' : shown})`);
    this.name = 'ArtifactFormatError';
  }
}

/** Largest artifact file accepted (a 100k-item float32 model is ~30 MB): refuses absurd downloads. */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
/** Largest manifest.json read. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A path inside the version's directory: relative, no scheme, no "..", no leading "/". */
function isVersionRelativePath(path: string): boolean {
  return path !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('/') && !path.startsWith('\\') && !path.split(/[\\/]/).includes('..');
}

export function parseManifest(url: string, json: unknown): Manifest {
  if (typeof json !== 'object' || json === null) throw new ArtifactFormatError(url, '(root)', json, 'an object');
  const m = json as Record<string, unknown>;
  if (m['schema'] !== 1) throw new ArtifactFormatError(url, 'schema', m['schema'], '1');
  for (const field of ['version', 'model', 'catalog', 'fallback'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') throw new ArtifactFormatError(url, field, m[field], 'a non-empty string');
  }
  for (const field of ['model', 'catalog', 'fallback'] as const) {
    if (!isVersionRelativePath(m[field] as string)) throw new ArtifactFormatError(url, field, m[field], 'a path relative to manifest.json (no scheme, "/" or "..")');
  }
  if (!Number.isInteger(m['itemCount']) || (m['itemCount'] as number) < 1) throw new ArtifactFormatError(url, 'itemCount', m['itemCount'], 'a positive integer');
  if (typeof m['files'] !== 'object' || m['files'] === null) throw new ArtifactFormatError(url, 'files', m['files'], 'an object of {sha256, bytes}');
  const files = m['files'] as Record<string, unknown>;
  for (const [path, entry] of Object.entries(files)) {
    const e = entry as Record<string, unknown> | null;
    if (typeof e?.['sha256'] !== 'string' || !/^[0-9a-f]{64}$/i.test(e['sha256'])) {
      throw new ArtifactFormatError(url, `files["${path}"].sha256`, e?.['sha256'], 'a 64-digit hex sha256');
    }
    if (!Number.isInteger(e['bytes']) || (e['bytes'] as number) < 0 || (e['bytes'] as number) > MAX_ARTIFACT_BYTES) {
      throw new ArtifactFormatError(url, `files["${path}"].bytes`, e['bytes'], `a byte count up to ${MAX_ARTIFACT_BYTES}`);
    }
  }
  for (const field of ['model', 'catalog', 'fallback'] as const) {
    if (!files[m[field] as string]) throw new ArtifactFormatError(url, 'files', Object.keys(files), `to list "${String(m[field])}" (the ${field})`);
  }
  return json as Manifest;
}
