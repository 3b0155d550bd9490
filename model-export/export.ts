/**
 * Writes one model version directory exactly as docs/artifacts.md describes: model.json,
 * weights.bin, catalog.json, fallback.json, manifest.json (sha256 + bytes of every other file).
 * Everything is written into a temporary sibling directory and renamed into place at the end,
 * so a reader never sees a half-written model.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CatalogItem, CatalogJson, EncoderConfig, FallbackJson, Manifest, ManifestFile, ModelJson } from '../src/model/artifacts.js';
import type { Dataset, Interaction } from '../server/data/types.js';
import { countItems, popularityOrder, type Catalog } from '../server/eval/catalog.js';
import { encodeWeights, type NamedWeight, type Quantization } from './quantize.js';

/** How many next items fallback.json keeps per item. */
export const FALLBACK_NEXT_ITEMS = 20;

export interface ModelFiles {
  modelJson: ModelJson;
  weights: Uint8Array;
}

/** model.json + weights.bin content for one quantization. */
export function modelFiles(config: EncoderConfig, weights: readonly NamedWeight[], quantization: Quantization): ModelFiles {
  const { specs, data } = encodeWeights(weights, quantization);
  return {
    modelJson: {
      format: 'reco-sasrec/1',
      generatedBy: 'reco-widget server/train',
      convertedBy: null,
      modelTopology: config,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
    weights: data,
  };
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/** catalog.json: one entry per catalog index; titles fall back to the item id without items.csv. */
export function catalogJson(dataset: Dataset, catalog: Catalog): CatalogJson {
  const items = catalog.ids.map((id): CatalogItem => {
    const item = dataset.items?.get(id);
    const entry: CatalogItem = { id, title: item?.title || id, category: item?.category ?? '', price: item?.price ?? null };
    const extra = item?.extra ?? {};
    if (extra['brand']) entry.brand = extra['brand'];
    if (extra['image']) entry.image = extra['image'];
    if (extra['consumable'] !== undefined && extra['consumable'] !== '') entry.consumable = truthy(extra['consumable']);
    return entry;
  });
  return { items };
}

/**
 * fallback.json from the events a deployed model may know (train + valid): items by popularity,
 * and for each item the FALLBACK_NEXT_ITEMS items most often seen right after it (ties → popularity).
 */
export function fallbackJson(catalog: Catalog, events: readonly Interaction[]): FallbackJson {
  const { order, rank } = popularityOrder(catalog, countItems(catalog, events));
  const byUser = new Map<string, Interaction[]>();
  for (const event of events) {
    const list = byUser.get(event.userId);
    if (list) list.push(event);
    else byUser.set(event.userId, [event]);
  }
  const transitions = new Map<number, Map<number, number>>();
  for (const list of byUser.values()) {
    const sorted = list.slice().sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 1; i < sorted.length; i++) {
      const from = catalog.indexOf.get(sorted[i - 1]!.itemId)!;
      const to = catalog.indexOf.get(sorted[i]!.itemId)!;
      if (from === to) continue;
      let counts = transitions.get(from);
      if (!counts) transitions.set(from, (counts = new Map()));
      counts.set(to, (counts.get(to) ?? 0) + 1);
    }
  }
  const next: Record<string, number[]> = {};
  for (const from of [...transitions.keys()].sort((a, b) => a - b)) {
    next[String(from)] = [...transitions.get(from)!.entries()]
      .sort((a, b) => b[1] - a[1] || rank[a[0]]! - rank[b[0]]!)
      .slice(0, FALLBACK_NEXT_ITEMS)
      .map(([to]) => to);
  }
  return { popular: Array.from(order), next };
}

function fileEntry(content: Uint8Array): ManifestFile {
  return { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
}

/** `YYYYMMDDTHHMMSSZ-<first 8 hex of the weights' sha256>`. */
export function versionName(createdAt: Date, weightsSha256: string): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${weightsSha256.slice(0, 8)}`;
}

export interface ModelDirectory {
  config: EncoderConfig;
  weights: readonly NamedWeight[];
  quantization: Quantization;
  catalog: CatalogJson;
  fallback: FallbackJson;
  metrics: Record<string, number>;
  /** Further files of the version (e.g. training.json), listed in the manifest too. */
  extraFiles?: Record<string, string | Uint8Array>;
  /** Sub-directories written as they are and not listed in this manifest (e.g. variants/). */
  subdirectories?: Record<string, ModelDirectory>;
  createdAt?: Date;
}

const encoder = new TextEncoder();

async function writeInto(dir: string, model: ModelDirectory): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const { modelJson, weights } = modelFiles(model.config, model.weights, model.quantization);
  const files: Record<string, Uint8Array> = {
    'model.json': encoder.encode(JSON.stringify(modelJson)),
    'weights.bin': weights,
    'catalog.json': encoder.encode(JSON.stringify(model.catalog)),
    'fallback.json': encoder.encode(JSON.stringify(model.fallback)),
  };
  for (const [path, content] of Object.entries(model.extraFiles ?? {})) {
    files[path] = typeof content === 'string' ? encoder.encode(content) : content;
  }
  const entries: Record<string, ManifestFile> = {};
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
    entries[path] = fileEntry(content);
  }
  const createdAt = model.createdAt ?? new Date();
  const manifest: Manifest = {
    schema: 1,
    version: versionName(createdAt, entries['weights.bin']!.sha256),
    createdAt: createdAt.toISOString(),
    model: 'model.json',
    catalog: 'catalog.json',
    fallback: 'fallback.json',
    itemCount: model.catalog.items.length,
    quantization: model.quantization,
    metrics: model.metrics,
    files: entries,
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const [sub, child] of Object.entries(model.subdirectories ?? {})) await writeInto(join(dir, sub), child);
  return manifest;
}

/**
 * Writes the model directory `outDir` atomically (temp sibling + rename; an existing `outDir`
 * is replaced). Returns the path of its manifest.json.
 */
export async function exportModel(outDir: string, model: ModelDirectory): Promise<{ manifestPath: string; manifest: Manifest }> {
  const target = resolve(outDir);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dirname(target), `.${basename(target)}.tmp-${suffix}`);
  const old = join(dirname(target), `.${basename(target)}.old-${suffix}`);
  try {
    const manifest = await writeInto(temp, model);
    let replaced = false;
    try {
      await rename(target, old);
      replaced = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(temp, target);
    if (replaced) await rm(old, { recursive: true, force: true });
    return { manifestPath: join(target, 'manifest.json'), manifest };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
