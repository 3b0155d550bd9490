// Temporary experiment (deleted before reporting): prior on an already trained model dir.
import { readFileSync } from 'node:fs';
import { loadDataset } from '../data/load.js';
import { buildCatalog } from '../eval/catalog.js';
import { decodeModelWeights } from '../../src/model/scoring-model.js';
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
const forms: Record<string, (c: number, t: number) => number> = {
  p: (c, t) => c / t,
  logp01: (c, t) => Math.log1p(c / t / 0.01),
  logp1: (c, t) => Math.log1p(c / t / 0.1),
  logp3: (c, t) => Math.log1p(c / (t + 3) / 0.03),
};
const topK = 32;
const base = metricsFromRanks(await rankTargets(d.config, d.weights, d.itemMatrix, test.histories, test.targets));
for (const [name, form] of Object.entries(forms)) {
  const tables = transitionTables(catalog, dataset.train, topK, 3, form);
  let t = performance.now();
  const tuning = await tuneTransitionMix(d.config, d.weights, d.itemMatrix, valid, tables);
  console.log(`${name} K ${topK} tuning ${((performance.now() - t) / 1000).toFixed(1)}s mix ${Array.from(tuning.mix)} valid ${tuning.baseNdcg10.toFixed(4)} -> ${tuning.ndcg10.toFixed(4)} (${tuning.users} users, ${tuning.trials} trials)`);
  const withPrior = metricsFromRanks(await rankTargets(d.config, d.weights, d.itemMatrix, test.histories, test.targets, { ...tables, mix: tuning.mix }));
  console.log(`  test without prior NDCG@10 ${base.ndcg10.toFixed(4)} HR@10 ${base.hr10.toFixed(4)}; with prior NDCG@10 ${withPrior.ndcg10.toFixed(4)} HR@10 ${withPrior.hr10.toFixed(4)}`);
}
