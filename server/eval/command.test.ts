import { join } from 'node:path';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { cooccurrenceBaseline, popularityBaseline } from './baselines.js';
import { buildCatalog, countItems, popularityOrder } from './catalog.js';
import { parseVariantsList, runEvaluation } from './command.js';
import { renderHtmlReport } from './html-report.js';
import { formatTable } from './report.js';
import { loadDataset } from '../data/load.js';
import type { LoadModelRecommender } from './types.js';

const fixtures = join(import.meta.dirname, '../data/fixtures');
const scratch: string[] = [];
afterAll(async () => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A dataset with enough users to evaluate: five users walking the same 6-item loop from different starts. */
async function writeLoopDataset(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reco-eval-'));
  scratch.push(dir);
  const rows = ['user_id,item_id,timestamp,event'];
  for (let u = 0; u < 5; u++) for (let t = 0; t < 8; t++) rows.push(`u${u},i${(u + t) % 6},${t},purchase`);
  await writeFile(join(dir, 'events.csv'), rows.join('\n') + '\n');
  await writeFile(join(dir, 'items.csv'), 'item_id,title,category,price\n' + [0, 1, 2, 3, 4, 5].map((i) => `i${i},Item ${i},${i % 2 ? 'odd' : 'even'},1`).join('\n') + '\n');
  return dir;
}

/**
 * A stand-in for the trained model: co-occurrence, or popularity when diversity > 0.5 — so the
 * report's model sections (curve, variants, training log) can be checked without training.
 */
async function fakeModelLoader(dataDir: string): Promise<LoadModelRecommender> {
  const dataset = await loadDataset(dataDir);
  const catalog = buildCatalog(dataset);
  const order = popularityOrder(catalog, countItems(catalog, dataset.train));
  return async (_dir, options) => {
    const inner = (options?.diversity ?? 0) > 0.5 ? popularityBaseline(catalog, dataset.train) : cooccurrenceBaseline(catalog, dataset.train, order);
    let disposed = false;
    return {
      name: 'fake-model',
      recommend: (histories, k) => {
        if (disposed) throw new Error('used after dispose');
        return inner.recommend(histories, k);
      },
      dispose: () => { disposed = true; },
    };
  };
}

describe('runEvaluation', () => {
  it('evaluates the baselines at K = 5, 10, 20 on a dataset split from events.csv', async () => {
    const dir = await writeLoopDataset();
    const report = await runEvaluation({ dataDir: dir, split: 'test', curveUsers: 0, log: () => {} });
    expect(report.users).toBe(5);
    expect(report.items).toBe(6);
    expect(report.itemDistance).toBe('category');
    expect(report.recommenders.map((r) => r.name)).toEqual(['popularity', 'co-occurrence', 'item-knn', 'ease']);
    // The loop is deterministic: the next item always follows the last one, so co-occurrence is perfect.
    const cooc = report.recommenders[1]!;
    expect(cooc.metrics.map((m) => m.k)).toEqual([5, 10, 20]);
    expect(cooc.metrics[0]!.hr).toBe(1);
    expect(cooc.metrics[0]!.ndcg).toBe(1);
    expect(report.model).toBeUndefined();
  });

  it('adds the model, its training log, diversity curve and variants; the HTML is self-contained', async () => {
    const dir = await writeLoopDataset();
    const modelDir = join(dir, 'model');
    await mkdir(modelDir);
    await writeFile(join(modelDir, 'training.json'), JSON.stringify({ epochs: [{ epoch: 1, loss: 2.5, validNdcg10: 0.2, seconds: 3 }, { epoch: 2, loss: 1.5, validNdcg10: 0.4, seconds: 6 }] }));
    await writeFile(join(modelDir, 'variants.json'), JSON.stringify({ variants: [{ name: 'float32', dir: 'f32', bytes: 4000 }, { name: 'uint8', dir: 'u8', bytes: 1000 }] }));
    const report = await runEvaluation({ dataDir: dir, modelDir, split: 'test', curveUsers: 0, log: () => {}, loadModel: await fakeModelLoader(dir) });
    expect(report.recommenders.at(-1)!.name).toBe('fake-model');
    expect(report.model!.training!.epochs).toHaveLength(2);
    const curve = report.model!.diversityCurve!;
    expect(curve.points.map((p) => p.diversity)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(curve.points[0]!.ndcg10).toBe(1);
    expect(curve.points[10]!.ndcg10).toBeLessThan(1);
    expect(report.model!.variants!.map((v) => [v.name, v.compression, v.relativeNdcgLoss])).toEqual([['float32', 1, 0], ['uint8', 4, 0]]);

    const html = renderHtmlReport(report);
    expect(html).toContain('<svg');
    expect(html).toContain('Training loss per epoch');
    expect(html).toContain('Validation NDCG@10 per epoch');
    expect(html).toContain('Accuracy–diversity trade-off');
    expect(html).toContain('Quantized variants');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(formatTable(report)).toMatch(/fake-model/);
  });

  it('names file and line when the data is bad', async () => {
    await expect(runEvaluation({ dataDir: join(fixtures, 'partial-split'), split: 'test', curveUsers: 0, log: () => {} })).rejects.toThrow('has train.csv but not valid.csv, test.csv');
  });

  it('reads variants.json in the spec spelling and in the trainer spelling, and names a bad entry', () => {
    expect(parseVariantsList('{"variants":[{"name":"uint8","dir":"u8","bytes":10}]}', 'v.json')).toEqual([{ name: 'uint8', dir: 'u8', bytes: 10 }]);
    expect(parseVariantsList('{"variants":[{"quantization":"float16","dir":"f16","weightsBytes":20}]}', 'v.json')).toEqual([{ name: 'float16', dir: 'f16', bytes: 20 }]);
    expect(() => parseVariantsList('{"variants":[{"dir":"x"}]}', 'v.json')).toThrow('v.json: variants[0] needs name (or quantization), dir and bytes (or weightsBytes), got {"dir":"x"}');
  });
});
