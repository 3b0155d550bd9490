/**
 * `npm run -s reco -- eval --data <dir> [--model <model-dir>] --json <f> --html <f> [--split test]`:
 * evaluates the baselines (and the model, its quantized variants and its diversity curve) with
 * the same protocol and metric code, then writes the JSON and HTML reports and prints a table.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError, type CliArgs } from '../cli-args.js';
import { loadDataset } from '../data/load.js';
import { BASELINE_NAMES, fitBaselines, type BaselineName } from './baselines.js';
import { buildEvalContext, evaluateRecommender, type EvalContext } from './evaluate.js';
import { renderHtmlReport } from './html-report.js';
import { hitRate, intraListDiversity, ndcg } from './metrics.js';
import { formatTable, metricAt, type DiversityPoint, type EvalReport, type TrainingLog, type VariantResult } from './report.js';
import type { EvalSplit } from './protocol.js';
import type { LoadModelRecommender } from './types.js';

export interface EvalOptions {
  dataDir: string;
  modelDir?: string;
  split: EvalSplit;
  /** Users (spread evenly) for each point of the diversity curve; 0 = all. */
  curveUsers: number;
  /** Which baselines to fit (default: all). */
  baselines?: readonly BaselineName[];
  log: (line: string) => void;
  /** How to load a model dir; defaults to server/recommend.ts's loadModelRecommender. */
  loadModel?: LoadModelRecommender;
}

export const DIVERSITY_STEPS = Array.from({ length: 11 }, (_, i) => i / 10);

export async function evalCommand(args: CliArgs): Promise<void> {
  args.allowOnly(['data', 'model', 'json', 'html', 'split', 'curve-users', 'baselines']);
  const options: EvalOptions = {
    dataDir: args.string('data', 'dataset directory'),
    modelDir: args.optionalString('model'),
    split: args.choice('split', ['test', 'valid'] as const, 'test'),
    curveUsers: args.number('curve-users', 0, { integer: true, min: 0 }),
    baselines: parseBaselineNames(args.optionalString('baselines')),
    log: (line) => console.error(line),
  };
  const jsonPath = args.string('json', 'report.json');
  const htmlPath = args.string('html', 'report.html');
  const report = await runEvaluation(options);
  await writeOutput(jsonPath, JSON.stringify(report, null, 2) + '\n');
  await writeOutput(htmlPath, renderHtmlReport(report));
  console.log(formatTable(report));
  console.log(`\nwrote ${jsonPath} and ${htmlPath}`);
}

export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  const { log } = options;
  const loadStarted = performance.now();
  const dataset = await loadDataset(options.dataDir);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  for (const warning of dataset.warnings) log(`warning: ${warning}`);
  log(`loaded ${options.dataDir} in ${loadSeconds.toFixed(2)} s: ${dataset.train.length} train, ${dataset.valid.length} valid, ${dataset.test.length} test events`);

  const context = buildEvalContext(dataset, options.split);
  const report: EvalReport = {
    schema: 1,
    createdAt: new Date().toISOString(),
    dataset: options.dataDir,
    split: options.split,
    users: context.cases.targets.length,
    items: context.catalog.ids.length,
    itemDistance: context.distance.kind,
    ks: [5, 10, 20],
    loadSeconds,
    warnings: dataset.warnings,
    recommenders: [],
  };

  log(`fitting baselines: ${(options.baselines ?? BASELINE_NAMES).join(', ')} (item-kNN and EASE are tuned on valid)…`);
  for (const baseline of await fitBaselines(dataset, log, options.baselines)) {
    const result = await evaluateRecommender(baseline, context);
    report.recommenders.push({ ...result, fitSeconds: baseline.fitSeconds, settings: baseline.settings });
    log(`  ${baseline.name}: NDCG@10 ${metricAt(result, 10).ndcg.toFixed(4)} (fit ${baseline.fitSeconds.toFixed(1)} s, recommend ${result.recommendSeconds.toFixed(1)} s)`);
  }

  if (options.modelDir) report.model = await evaluateModel(options.modelDir, context, options, report);
  return report;
}

async function evaluateModel(modelDir: string, context: EvalContext, options: EvalOptions, report: EvalReport): Promise<NonNullable<EvalReport['model']>> {
  const { log } = options;
  const load = options.loadModel ?? (await importModelLoader());
  const model = await load(modelDir);
  let name: string;
  try {
    name = model.name;
    const result = await evaluateRecommender(model, context);
    report.recommenders.push(result);
    log(`  ${name}: NDCG@10 ${metricAt(result, 10).ndcg.toFixed(4)} (recommend ${result.recommendSeconds.toFixed(1)} s)`);
  } finally {
    model.dispose();
  }
  const section: NonNullable<EvalReport['model']> = { dir: modelDir, name };

  const trainingPath = join(modelDir, 'training.json');
  if (existsSync(trainingPath)) section.training = JSON.parse(await readFile(trainingPath, 'utf8')) as TrainingLog;

  section.diversityCurve = await diversityCurve(load, modelDir, context, options);

  const variantsPath = join(modelDir, 'variants.json');
  if (existsSync(variantsPath)) {
    const listed = parseVariantsList(await readFile(variantsPath, 'utf8'), variantsPath);
    const variants: VariantResult[] = [];
    for (const variant of listed) {
      const dir = isAbsolute(variant.dir) ? variant.dir : resolve(modelDir, variant.dir);
      const recommender = await load(dir);
      try {
        const lists = await recommender.recommend(context.cases.histories, 10);
        const metrics = scoreLists(lists, context);
        variants.push({ name: variant.name, dir: variant.dir, bytes: variant.bytes, ...metrics, compression: null, relativeNdcgLoss: null });
        log(`  variant ${variant.name}: ${variant.bytes} bytes, NDCG@10 ${metrics.ndcg10.toFixed(4)}`);
      } finally {
        recommender.dispose();
      }
    }
    const reference = variants.find((v) => v.name === 'float32');
    if (reference) {
      for (const v of variants) {
        v.compression = v.bytes > 0 ? reference.bytes / v.bytes : null;
        v.relativeNdcgLoss = reference.ndcg10 > 0 ? (reference.ndcg10 - v.ndcg10) / reference.ndcg10 : null;
      }
    }
    section.variants = variants;
  }
  return section;
}

/** NDCG@10 and ILD@10 of the model as its diversity knob goes 0 → 1 (through the widget's ranking). */
async function diversityCurve(load: LoadModelRecommender, modelDir: string, context: EvalContext, options: EvalOptions): Promise<{ users: number; points: DiversityPoint[] }> {
  const all = context.cases;
  const picked = options.curveUsers > 0 && options.curveUsers < all.targets.length
    ? Array.from({ length: options.curveUsers }, (_, i) => Math.floor((i * all.targets.length) / options.curveUsers))
    : all.targets.map((_, i) => i);
  const subset: EvalContext = {
    ...context,
    cases: { ...all, userIds: picked.map((i) => all.userIds[i]!), histories: picked.map((i) => all.histories[i]!), targets: picked.map((i) => all.targets[i]!) },
  };
  const points: DiversityPoint[] = [];
  for (const diversity of DIVERSITY_STEPS) {
    const recommender = await load(modelDir, { diversity });
    try {
      const lists = await recommender.recommend(subset.cases.histories, 10);
      const { ndcg10, hr10 } = scoreLists(lists, subset);
      const ild10 = intraListDiversity(lists, 10, subset.distance.distance);
      points.push({ diversity, ndcg10, hr10, ild10 });
      options.log(`  diversity ${diversity.toFixed(1)}: NDCG@10 ${ndcg10.toFixed(4)}, ILD@10 ${ild10.toFixed(4)}`);
    } finally {
      recommender.dispose();
    }
  }
  return { users: picked.length, points };
}

function scoreLists(lists: string[][], context: EvalContext): { ndcg10: number; hr10: number } {
  return { ndcg10: ndcg(lists, context.cases.targets, 10), hr10: hitRate(lists, context.cases.targets, 10) };
}

/** server/recommend.ts is the model helper's module; imported by path so this file type-checks without it. */
async function importModelLoader(): Promise<LoadModelRecommender> {
  const modulePath = '../recommend.js';
  const loaded = (await import(/* @vite-ignore */ modulePath)) as { loadModelRecommender?: LoadModelRecommender };
  if (typeof loaded.loadModelRecommender !== 'function') throw new Error('server/recommend.ts does not export loadModelRecommender');
  return loaded.loadModelRecommender;
}

/**
 * variants.json: {variants: [{name, dir, bytes}]}; the trainer's spelling
 * {quantization, dir, weightsBytes} is accepted too. `dir` is relative to the model dir.
 */
export function parseVariantsList(text: string, file: string): Array<{ name: string; dir: string; bytes: number }> {
  const parsed = JSON.parse(text) as { variants?: unknown };
  if (!Array.isArray(parsed.variants)) throw new Error(`${file}: expected {"variants": [...]}`);
  return parsed.variants.map((entry: Record<string, unknown>, i: number) => {
    const name = entry.name ?? entry.quantization;
    const bytes = entry.bytes ?? entry.weightsBytes;
    if (typeof name !== 'string' || typeof entry.dir !== 'string' || typeof bytes !== 'number') {
      throw new Error(`${file}: variants[${i}] needs name (or quantization), dir and bytes (or weightsBytes), got ${JSON.stringify(entry)}`);
    }
    return { name, dir: entry.dir, bytes };
  });
}

/** `--baselines popularity,ease` → the names, checked; absent → every baseline. */
function parseBaselineNames(list: string | undefined): BaselineName[] {
  if (list === undefined) return [...BASELINE_NAMES];
  return list.split(',').map((name) => {
    const trimmed = name.trim();
    if (!(BASELINE_NAMES as readonly string[]).includes(trimmed)) {
      throw new CliError(`--baselines: unknown baseline ${JSON.stringify(trimmed)} (allowed: ${BASELINE_NAMES.join(', ')})`);
    }
    return trimmed as BaselineName;
  });
}

async function writeOutput(path: string, content: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, content);
}
