import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { loadDataset } from './data/load.js';
import { buildEvalCases } from './eval/protocol.js';
import { loadModelRecommender, recommendCommand } from './recommend.js';
import { train } from './train/command.js';
import { writeSyntheticDataset } from './train/synthetic-dataset.js';

let root: string;
let dataDir: string;
let modelDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'reco-recommend-'));
  dataDir = join(root, 'data');
  modelDir = join(root, 'model');
  await writeSyntheticDataset(dataDir, { users: 80, items: 30, eventsPerUser: 12, seed: 5, withItems: false });
  await train({ dataDir, outDir: modelDir, seed: 1, preset: 'small', quantization: 'uint8', log: () => undefined });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadModelRecommender', () => {
  it('ranks k distinct catalog items per history through the exported uint8 model', async () => {
    const recommender = await loadModelRecommender(modelDir);
    const dataset = await loadDataset(dataDir);
    const cases = buildEvalCases(dataset, 'test');
    const lists = await recommender.recommend(cases.histories.slice(0, 10), 5);
    expect(lists).toHaveLength(10);
    for (const list of lists) {
      expect(list).toHaveLength(5);
      expect(new Set(list).size).toBe(5);
      for (const id of list) expect(id).toMatch(/^i\d+$/);
    }
    // Same history → same list.
    expect(await recommender.recommend(cases.histories.slice(0, 10), 5)).toEqual(lists);
    recommender.dispose();
  });

  it('refuses files whose sha256 does not match the manifest', async () => {
    const broken = join(root, 'broken');
    await train({ dataDir, outDir: broken, seed: 1, preset: 'small', quantization: 'uint8', log: () => undefined });
    const catalogPath = join(broken, 'catalog.json');
    await writeFile(catalogPath, (await readFile(catalogPath, 'utf8')).replace('"i0"', '"x0"'));
    await expect(loadModelRecommender(broken)).rejects.toThrow(/catalog\.json: sha256/);
  });
});

describe('recommendCommand', () => {
  it('writes user_id,rank,item_id with k rows per test user', async () => {
    const out = join(root, 'predictions.csv');
    await recommendCommand(parseCliArgs(['recommend', '--model', modelDir, '--data', dataDir, '--split', 'test', '--k', '3', '--out', out]));
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('user_id,rank,item_id');
    const users = buildEvalCases(await loadDataset(dataDir), 'test').userIds;
    expect(lines).toHaveLength(1 + users.length * 3);
    expect(lines.slice(1, 4).map((line) => line.split(',').slice(0, 2).join(','))).toEqual([`${users[0]},1`, `${users[0]},2`, `${users[0]},3`]);
  });
});
