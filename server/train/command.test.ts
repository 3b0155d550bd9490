import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogJson, FallbackJson, Manifest, ModelJson } from '../../src/model/artifacts.js';
import { train } from './command.js';
import { writeSyntheticDataset } from './synthetic-dataset.js';

let root: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'reco-train-'));
  dataDir = join(root, 'data');
  await writeSyntheticDataset(dataDir, { users: 120, items: 40, eventsPerUser: 14, seed: 7, withItems: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const quiet = (): void => undefined;

describe('train (small preset)', () => {
  it('exports a complete, self-consistent model directory that beats popularity', async () => {
    const outDir = join(root, 'model-a');
    const result = await train({ dataDir, outDir, seed: 3, preset: 'small', quantization: 'uint8', transitionPrior: true, log: quiet });
    const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as Manifest;
    expect(manifest.schema).toBe(1);
    expect(manifest.version).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(manifest.quantization).toBe('uint8');
    for (const [path, entry] of Object.entries(manifest.files)) {
      const content = await readFile(join(outDir, path));
      expect(createHash('sha256').update(content).digest('hex'), path).toBe(entry.sha256);
      expect(content.length, path).toBe(entry.bytes);
    }
    expect(Object.keys(manifest.files).sort()).toEqual(['catalog.json', 'fallback.json', 'model.json', 'training.json', 'weights.bin']);
    expect(manifest.version.endsWith(manifest.files['weights.bin']!.sha256.slice(0, 8))).toBe(true);

    const catalog = JSON.parse(await readFile(join(outDir, 'catalog.json'), 'utf8')) as CatalogJson;
    expect(catalog.items).toHaveLength(40);
    expect(manifest.itemCount).toBe(40);
    expect(catalog.items[0]).toMatchObject({ id: 'i0', title: 'Thing 0 model 0', category: 'cat0', price: 2.5, brand: 'Brand 0' });
    const modelJson = JSON.parse(await readFile(join(outDir, 'model.json'), 'utf8')) as ModelJson;
    expect(modelJson.format).toBe('reco-sasrec/1');
    expect(modelJson.weightsManifest[0]!.weights[0]).toMatchObject({ name: 'item_matrix', shape: [40, 32] });
    const names = modelJson.weightsManifest[0]!.weights.map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['transitions/next', 'transitions/logit', 'transitions/mix']));
    expect(result.metrics['valid.prior.ndcg@10']).toBeGreaterThanOrEqual(0);
    const fallback = JSON.parse(await readFile(join(outDir, 'fallback.json'), 'utf8')) as FallbackJson;
    expect([...fallback.popular].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    // On the ring, the most frequent successor of item i is i+1.
    expect(fallback.next['5']![0]).toBe(6);

    const training = JSON.parse(await readFile(join(outDir, 'training.json'), 'utf8')) as { epochs: Array<Record<string, number>> };
    expect(training.epochs.length).toBeGreaterThan(0);
    expect(Object.keys(training.epochs[0]!)).toEqual(['epoch', 'loss', 'validNdcg10', 'seconds']);

    expect(result.metrics['test.ndcg@10']).toBeGreaterThan(result.metrics['popularity.test.ndcg@10']! + 0.1);
    expect(manifest.metrics).toEqual(result.metrics);
  });

  it('is deterministic: same data + seed → identical weights; another seed → different weights', async () => {
    const options = { dataDir, preset: 'small' as const, quantization: 'float32' as const, log: quiet };
    await train({ ...options, outDir: join(root, 'b1'), seed: 11 });
    await train({ ...options, outDir: join(root, 'b2'), seed: 11 });
    await train({ ...options, outDir: join(root, 'b3'), seed: 12 });
    const [w1, w2, w3] = await Promise.all(['b1', 'b2', 'b3'].map((dir) => readFile(join(root, dir, 'weights.bin'))));
    expect(w1!.equals(w2!)).toBe(true);
    expect(w1!.equals(w3!)).toBe(false);
    // The transition prior is opt-in: by default no transition tables are shipped.
    const modelJson = JSON.parse(await readFile(join(root, 'b1', 'model.json'), 'utf8')) as ModelJson;
    expect(modelJson.weightsManifest[0]!.weights.filter((w) => w.name.startsWith('transitions/'))).toEqual([]);
  });

  it('trains with the transition prior in the loss (full and sampled softmax), deterministically', async () => {
    for (const negatives of [0, 16]) {
      const options = { dataDir, preset: 'small' as const, quantization: 'float32' as const, log: quiet, seed: 5, hyperparameters: { negatives, trainingPriorMix: [1, 0.5] } };
      const a = await train({ ...options, outDir: join(root, `p${negatives}a`) });
      await train({ ...options, outDir: join(root, `p${negatives}b`) });
      const [w1, w2] = await Promise.all(['a', 'b'].map((run) => readFile(join(root, `p${negatives}${run}`, 'weights.bin'))));
      expect(w1!.equals(w2!), `negatives ${negatives}`).toBe(true);
      await train({ ...options, outDir: join(root, `p${negatives}c`), transitionPrior: true, hyperparameters: { negatives, trainingPriorMix: [] } });
      const withoutPrior = await readFile(join(root, `p${negatives}c`, 'weights.bin'));
      // Same shapes, different training: the prior changed the encoder's gradients.
      expect(withoutPrior.length).toBe(w1!.length);
      expect(withoutPrior.equals(w1!), `negatives ${negatives}`).toBe(false);
      expect(a.metrics['test.ndcg@10'], `negatives ${negatives}`).toBeGreaterThan(a.metrics['popularity.test.ndcg@10']! + 0.1);
    }
  });

  it('writes quantization variants on request', async () => {
    const outDir = join(root, 'variants');
    await train({ dataDir, outDir, seed: 3, preset: 'small', quantization: 'uint8', variants: true, log: quiet });
    const report = JSON.parse(await readFile(join(outDir, 'variants.json'), 'utf8')) as { variants: Array<{ quantization: string; weightsBytes: number }> };
    expect(report.variants.map((v) => v.quantization)).toEqual(['float32', 'float16', 'uint8']);
    const bytes = Object.fromEntries(report.variants.map((v) => [v.quantization, v.weightsBytes]));
    expect(bytes['float16']).toBe(bytes['float32']! / 2);
    expect(bytes['uint8']).toBeLessThan(bytes['float32']! / 3);
    for (const q of ['float32', 'float16', 'uint8']) {
      const manifest = JSON.parse(await readFile(join(outDir, 'variants', q, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.quantization).toBe(q);
      expect(manifest.files['weights.bin']!.bytes).toBe(bytes[q]);
    }
  });
});
