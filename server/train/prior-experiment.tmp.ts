// Temporary experiment (deleted before reporting): prior variants on an already trained model dir.
import { readFileSync } from 'node:fs';
import { loadDataset } from '../data/load.js';
import { buildCatalog } from '../eval/catalog.js';
import { decodeModelWeights, type TransitionPrior } from '../../src/model/scoring-model.js';
import { initTrainingBackend } from './backend.js';
import { metricsFromRanks, rankTargets } from './evaluate.js';
import { indexedCases } from './trainer.js';
import { transitionTables, tuneTransitionMix } from './transitions.js';

const [dataDir, modelDir] = process.argv.slice(2) as [string, string];
await initTrainingBackend();
const dataset = await loadDataset(dataDir);
const catalog = buildCatalog(dataset);
const modelJson = JSON.parse(readFileSync(`${modelDir}/model.json`, 'utf8'));
const buf = readFileSync(`${modelDir}/weights.bin`);
const d = decodeModelWeights(modelJson, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
const valid = indexedCases(d.config, dataset, catalog, 'valid');
const test = indexedCases(d.config, dataset, catalog, 'test');

function windowed(window: number, topK: number, decay: number): TransitionPrior {
  const n = catalog.ids.length;
  const counts = new Map<number, Map<number, number>>();
  const recent = new Map<string, number[]>();
  for (const e of dataset.train) {
    const item = catalog.indexOf.get(e.itemId)!;
    const list = recent.get(e.userId) ?? [];
    for (let dist = 1; dist <= list.length; dist++) {
      const q = list[list.length - dist]!;
      let m = counts.get(q);
      if (!m) counts.set(q, (m = new Map()));
      m.set(item, (m.get(item) ?? 0) + Math.pow(decay, dist - 1));
    }
    list.push(item);
    if (list.length > window) list.shift();
    recent.set(e.userId, list);
  }
  const next = new Int32Array(n * topK).fill(-1);
  const logit = new Float32Array(n * topK);
  for (const [q, m] of counts) {
    [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topK).forEach(([i, c], k) => {
      next[q * topK + k] = i;
      logit[q * topK + k] = Math.log1p(c);
    });
  }
  return { topK, next, logit, mix: new Float32Array(3) };
}

const variants: Array<[string, TransitionPrior]> = [
  ['consecutive K32 (shipped)', transitionTables(catalog, dataset.train)],
  ['window3 decay0.5 K32', windowed(3, 32, 0.5)],
  ['window5 decay0.5 K64', windowed(5, 64, 0.5)],
];
for (const [name, tables] of variants) {
  const t = performance.now();
  const tuning = await tuneTransitionMix(d.config, d.weights, d.itemMatrix, valid, tables);
  const withPrior = metricsFromRanks(await rankTargets(d.config, d.weights, d.itemMatrix, test.histories, test.targets, { ...tables, mix: tuning.mix }));
  console.log(`${name}: ${((performance.now() - t) / 1000).toFixed(1)}s mix ${Array.from(tuning.mix, (m) => m.toFixed(3))} valid ${tuning.baseNdcg10.toFixed(4)} -> ${tuning.ndcg10.toFixed(4)}; test NDCG@10 ${withPrior.ndcg10.toFixed(4)} HR@10 ${withPrior.hr10.toFixed(4)}`);
}
