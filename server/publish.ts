/**
 * Publishing a finished model dir: it becomes `<root>/<version>/` (immutable from then on) and
 * `<root>/latest.json` is switched to it atomically (temp file + rename), so a reader sees either
 * the old version or the new one, never a half-written pointer. Old versions stay.
 */
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../src/model/artifacts.js';

export interface LatestPointer {
  version: string;
}

/** Versions become directory names and URL segments: keep them to a safe alphabet. */
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeVersion(version: string): boolean {
  return VERSION_PATTERN.test(version) && !version.includes('..');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function readManifestVersion(modelDir: string): Promise<string> {
  const path = join(modelDir, 'manifest.json');
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as Partial<Manifest>;
  } catch (error) {
    throw new Error(`${path}: cannot read the manifest (${(error as Error).message})`);
  }
  const version = manifest.version;
  if (typeof version !== 'string' || !isSafeVersion(version)) {
    throw new Error(`${path}: field "version" must match ${VERSION_PATTERN} (value: ${JSON.stringify(version)})`);
  }
  return version;
}

/** Moves `dir` to `target`; across file systems, copies next to the target first, then renames. */
async function moveDir(dir: string, target: string): Promise<void> {
  try {
    await rename(dir, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const staging = `${target}.${process.pid}.staging`;
    await cp(dir, staging, { recursive: true });
    await rename(staging, target);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `<root>/latest.json` = {version} atomically. */
export async function writeLatest(root: string, version: string): Promise<void> {
  if (!isSafeVersion(version)) throw new Error(`latest.json: version must match ${VERSION_PATTERN} (value: ${JSON.stringify(version)})`);
  const temp = join(root, `.latest.json.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temp, JSON.stringify({ version } satisfies LatestPointer) + '\n');
  await rename(temp, join(root, 'latest.json'));
}

/** The version `<root>/latest.json` points at, or null when nothing is published yet. */
export async function readLatest(root: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(root, 'latest.json'), 'utf8');
  } catch {
    return null;
  }
  const pointer = JSON.parse(text) as Partial<LatestPointer>;
  if (typeof pointer.version !== 'string' || !isSafeVersion(pointer.version)) {
    throw new Error(`${join(root, 'latest.json')}: field "version" is not a valid version (value: ${JSON.stringify(pointer.version)})`);
  }
  return pointer.version;
}

/**
 * Publishes `modelDir` (a dir with manifest.json) under `root` and points latest at it.
 * The dir is moved, not copied. Publishing a version that already exists keeps the published
 * copy (versions are immutable), drops the new dir and still switches latest to it.
 */
export async function publishModel(modelDir: string, root: string): Promise<{ version: string; dir: string }> {
  const version = await readManifestVersion(modelDir);
  await mkdir(root, { recursive: true });
  const target = join(root, version);
  if (await exists(target)) await rm(modelDir, { recursive: true, force: true });
  else await moveDir(modelDir, target);
  await writeLatest(root, version);
  return { version, dir: target };
}
