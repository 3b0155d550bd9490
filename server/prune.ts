/**
 * The versions in a publish root (`<root>/<version>/`, `<root>/latest.json`): checking that one is
 * complete (every file the manifest lists, with its sha256 and size) and pruning old ones.
 *
 * Old versions stay available until pruned, because a browser may still be loading one it
 * resolved a moment ago. `pruneVersions` keeps the newest N and whatever latest.json points at,
 * never anything else, and never touches files it does not recognise as versions.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { Manifest } from '../src/model/artifacts.js';
import { isSafeVersion, readLatest } from './publish.js';

/** The files a manifest must list besides itself (the `model`, `catalog` and `fallback` fields). */
const REQUIRED_FIELDS = ['model', 'catalog', 'fallback'] as const;

/**
 * Reads `<dir>/manifest.json` and checks every file it lists against its sha256 and byte count.
 * Returns the manifest; throws an error naming the file, the field and the value otherwise.
 */
export async function verifyVersionDir(dir: string): Promise<Manifest> {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    throw new Error(`${manifestPath}: cannot read the manifest (${(error as Error).message})`);
  }
  if (typeof manifest.version !== 'string' || !isSafeVersion(manifest.version)) {
    throw new Error(`${manifestPath}: field "version" is not a valid version (value: ${JSON.stringify(manifest.version)})`);
  }
  if (typeof manifest.files !== 'object' || manifest.files === null) {
    throw new Error(`${manifestPath}: field "files" is missing (value: ${JSON.stringify(manifest.files)})`);
  }
  for (const field of REQUIRED_FIELDS) {
    const path = manifest[field];
    if (typeof path !== 'string' || !(path in manifest.files)) {
      throw new Error(`${manifestPath}: field "${field}" does not name a file listed in "files" (value: ${JSON.stringify(path)})`);
    }
  }
  for (const [path, entry] of Object.entries(manifest.files)) {
    const normalised = normalize(path);
    if (isAbsolute(path) || normalised === '..' || normalised.startsWith(`..${sep}`)) {
      throw new Error(`${manifestPath}: field "files" lists a path outside the version (value: ${JSON.stringify(path)})`);
    }
    let content: Buffer;
    try {
      content = await readFile(join(dir, path));
    } catch {
      throw new Error(`${join(dir, path)}: listed in the manifest but missing (field "files.${path}")`);
    }
    if (content.length !== entry.bytes) {
      throw new Error(`${join(dir, path)}: field "files.${path}.bytes" is ${entry.bytes} but the file has ${content.length} bytes`);
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== entry.sha256) {
      throw new Error(`${join(dir, path)}: field "files.${path}.sha256" does not match the file (value: ${JSON.stringify(entry.sha256)}, file: ${sha256})`);
    }
  }
  return manifest;
}

export interface VersionEntry {
  version: string;
  /** The manifest's createdAt in ms, else the directory's mtime. */
  createdAt: number;
}

/** The version directories under root, newest first (ties: the larger name first). */
export async function listVersions(root: string): Promise<VersionEntry[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const versions: VersionEntry[] = [];
  for (const entry of entries) {
    // Dot-names are temp and staging dirs of writers in progress: never versions.
    if (!entry.isDirectory() || entry.name.startsWith('.') || !isSafeVersion(entry.name)) continue;
    versions.push({ version: entry.name, createdAt: await createdAtOf(join(root, entry.name)) });
  }
  return versions.sort((a, b) => b.createdAt - a.createdAt || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
}

async function createdAtOf(dir: string): Promise<number> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Partial<Manifest>;
    const time = typeof manifest.createdAt === 'string' ? Date.parse(manifest.createdAt) : NaN;
    if (Number.isFinite(time)) return time;
  } catch {
    // No readable manifest: fall back to the directory's own time.
  }
  return (await stat(dir)).mtimeMs;
}

export interface PruneResult {
  kept: string[];
  removed: string[];
}

/**
 * Deletes all but the newest `keep` versions under root; the version latest.json points at is
 * always kept, on top of those. Run it where publishes are serialised (the job queue), so the
 * pointer cannot move to a version while it is being removed.
 */
export async function pruneVersions(root: string, keep: number): Promise<PruneResult> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`prune: keep must be an integer ≥ 1 (value: ${keep})`);
  const latest = await readLatest(root);
  const versions = await listVersions(root);
  const kept: string[] = [];
  const removed: string[] = [];
  versions.forEach(({ version }, index) => (index < keep || version === latest ? kept : removed).push(version));
  for (const version of removed) await rm(join(root, version), { recursive: true, force: true });
  return { kept, removed };
}
