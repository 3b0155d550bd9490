/**
 * `npm run bench:model -- <dataset-dir> [--preset small] [--seed N] [--out <model-dir>]`: trains the default model
 * with all quantization variants and prints training time per step and per epoch (median),
 * scoring time per user (median, through the widget's decodeModel path on the uint8 weights),
 * model vs popularity, and float32 / float16 / uint8 sizes with their test NDCG@10.
 * Skips cleanly (exit 0) when the dataset directory is absent.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../cli-args.js';
import { loadDataset } from '../data/load.js';
import { buildEvalCases } from '../eval/protocol.js';
import { loadModelRecommender } from '../recommend.js';
import { train } from '../train/command.js';

interface VariantRow {
  quantization: string;
  weightsBytes: number;
  'test.ndcg@10': number;
  'test.hr@10': number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const [dataDir, ...rest] = process.argv.slice(2);
  if (!dataDir || dataDir.startsWith('--')) {
    console.log('usage: npm run bench:model -- <dataset-dir> [--preset full|small] [--seed N] [--out <model-dir to keep>]');
    process.exitCode = 1;
    return;
  }
  try {
    await access(dataDir);
  } catch {
    console.log(`bench:model skipped: dataset directory ${dataDir} is absent`);
    return;
  }
  const args = parseCliArgs(['bench', ...rest]);
  args.allowOnly(['preset', 'seed', 'out']);
  const preset = args.choice('preset', ['full', 'small'] as const, 'full');
  const seed = args.number('seed', 42, { integer: true, min: 0 });

  const keep = args.optionalString('out');
  const outDir = keep ?? (await mkdtemp(join(tmpdir(), 'reco-bench-model-')));
  try {
    console.log(`load average before: ${load()} (2 cores here; other processes slow every figure below)`);
    const result = await train({ dataDir, outDir, seed, preset, quantization: 'uint8', variants: true, log: (line) => console.log(line) });
    const training = JSON.parse(await readFile(join(outDir, 'training.json'), 'utf8')) as { stepSecondsMedian: number; epochSecondsMedian: number; steps: number };
    const variants = (JSON.parse(await readFile(join(outDir, 'variants.json'), 'utf8')) as { variants: VariantRow[] }).variants;

    const cases = buildEvalCases(await loadDataset(dataDir), 'test');
    const recommender = await loadModelRecommender(outDir);
    const users = Math.min(300, cases.histories.length);
    const timings: number[] = [];
    await recommender.recommend(cases.histories.slice(0, 5), 10); // warm-up
    for (let u = 0; u < users; u++) {
      const started = performance.now();
      await recommender.recommend([cases.histories[u]!], 10);
      timings.push(performance.now() - started);
    }
    recommender.dispose();

    const float32 = variants.find((v) => v.quantization === 'float32')!;
    console.log('');
    console.log(`## model benchmark (${dataDir}, preset ${preset}, seed ${seed})`);
    console.log(`training wall time        ${result.metrics['train.seconds']!.toFixed(1)} s (whole train(): ${result.seconds.toFixed(1)} s incl. evaluation + export)`);
    console.log(`training step (median)    ${(training.stepSecondsMedian * 1000).toFixed(0)} ms  (${training.steps} steps)`);
    console.log(`epoch (median)            ${training.epochSecondsMedian.toFixed(1)} s`);
    console.log(`scoring per user (median) ${median(timings).toFixed(2)} ms  (score + rank, uint8 weights, ${users} users)`);
    console.log(`test NDCG@10 / HR@10      model ${result.metrics['test.ndcg@10']!.toFixed(4)} / ${result.metrics['test.hr@10']!.toFixed(4)}   popularity ${result.metrics['popularity.test.ndcg@10']!.toFixed(4)} / ${result.metrics['popularity.test.hr@10']!.toFixed(4)}`);
    console.log('quantization              weights.bin bytes  ×smaller  test NDCG@10  relative');
    for (const v of variants) {
      const ratio = float32.weightsBytes / v.weightsBytes;
      const relative = (v['test.ndcg@10'] - float32['test.ndcg@10']) / float32['test.ndcg@10'];
      console.log(`  ${v.quantization.padEnd(24)}${String(v.weightsBytes).padStart(17)}  ${ratio.toFixed(2).padStart(8)}  ${v['test.ndcg@10'].toFixed(4).padStart(12)}  ${(relative * 100).toFixed(2).padStart(7)} %`);
    }
    console.log(`load average after: ${load()}`);
  } finally {
    if (!keep) await rm(outDir, { recursive: true, force: true });
  }
}

await main();
