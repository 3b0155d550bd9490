/**
 * The exported model as an evaluation Recommender, running exactly what the widget runs:
 * the files on disk (quantized weights included) → decodeModel → score(history) → rank().
 * Also `npm run -s reco -- recommend --model <dir> --data <dataset> --split test --k 10 --out <csv>`.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CatalogJson, HistoryEvent, Manifest, ModelJson } from '../src/model/artifacts.js';
import { decodeModel, type ScoringModel } from '../src/model/scoring-model.js';
import { rank } from '../src/ranking/rank.js';
import type { CliArgs } from './cli-args.js';
import { loadDataset } from './data/load.js';
import type { Interaction } from './data/types.js';
import { buildEvalCases } from './eval/protocol.js';
import type { Recommender } from './eval/types.js';
import { initTrainingBackend } from './train/backend.js';

export interface ModelRecommender extends Recommender {
  readonly manifest: Manifest;
  readonly model: ScoringModel;
  /** Frees the model's tensors. */
  dispose(): void;
}

async function readVerified(root: string, manifest: Manifest, path: string): Promise<Buffer> {
  const content = await readFile(join(root, path));
  const expected = manifest.files[path];
  if (!expected) throw new Error(`${join(root, 'manifest.json')}: field "files" has no entry for ${JSON.stringify(path)}`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (sha256 !== expected.sha256 || content.length !== expected.bytes) {
    throw new Error(`${join(root, path)}: sha256 ${sha256} (${content.length} bytes) does not match manifest.json (${expected.sha256}, ${expected.bytes} bytes)`);
  }
  return content;
}

/** Loads `<modelDir>/manifest.json` and the files it names (checking their sha256). */
export async function loadModelRecommender(modelDir: string, options: { diversity?: number } = {}): Promise<ModelRecommender> {
  await initTrainingBackend();
  const manifestPath = resolve(modelDir, 'manifest.json');
  const root = dirname(manifestPath);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  const modelJson = JSON.parse((await readVerified(root, manifest, manifest.model)).toString('utf8')) as ModelJson;
  const catalog = JSON.parse((await readVerified(root, manifest, manifest.catalog)).toString('utf8')) as CatalogJson;
  const weightPaths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const parts = await Promise.all(weightPaths.map((path) => readVerified(dirname(join(root, manifest.model)), manifest, path)));
  const weights = Buffer.concat(parts);
  const model = decodeModel(modelJson, weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  if (model.itemCount !== catalog.items.length) {
    model.dispose();
    throw new Error(`${root}: catalog.json has ${catalog.items.length} items but the item matrix has ${model.itemCount} rows`);
  }
  const ids = catalog.items.map((item) => item.id);
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const diversity = options.diversity ?? 0;
  const embeddings = diversity > 0 ? await model.itemEmbeddings() : undefined;

  const toHistory = (events: readonly Interaction[]): HistoryEvent[] =>
    events.map((event) => ({ itemIndex: indexOf.get(event.itemId) ?? null, type: event.event, timestamp: event.timestamp * 1000 }));

  return {
    name: diversity > 0 ? `sasrec (diversity ${diversity})` : 'sasrec',
    manifest,
    model,
    async recommend(histories: Interaction[][], k: number): Promise<string[][]> {
      const lists: string[][] = [];
      for (const history of histories) {
        const scores = await model.score(toHistory(history));
        const ranked = rank(scores, { limit: k, diversity, ...(embeddings ? { embeddings, dims: model.dims } : {}) });
        lists.push(ranked.map((i) => ids[i]!));
      }
      return lists;
    },
    dispose: () => model.dispose(),
  };
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function recommendCommand(args: CliArgs): Promise<void> {
  args.allowOnly(['model', 'data', 'split', 'k', 'out', 'diversity']);
  const modelDir = args.string('model', 'model directory');
  const dataDir = args.string('data', 'dataset directory');
  const split = args.choice('split', ['valid', 'test'] as const, 'test');
  const k = args.number('k', 10, { integer: true, min: 1 });
  const out = args.string('out', 'predictions CSV path');
  const diversity = args.number('diversity', 0, { min: 0, max: 1 });

  const started = performance.now();
  const dataset = await loadDataset(dataDir);
  const cases = buildEvalCases(dataset, split);
  const recommender = await loadModelRecommender(modelDir, { diversity });
  try {
    const lists = await recommender.recommend(cases.histories, k);
    const lines = ['user_id,rank,item_id'];
    lists.forEach((list, u) => list.forEach((itemId, r) => lines.push(`${csvField(cases.userIds[u]!)},${r + 1},${csvField(itemId)}`)));
    await writeFile(out, lines.join('\n') + '\n');
    const seconds = (performance.now() - started) / 1000;
    console.log(`wrote ${out}: ${lists.length} users × ${k} (${split}, model ${recommender.manifest.version}, ${seconds.toFixed(1)}s)`);
  } finally {
    recommender.dispose();
  }
}
