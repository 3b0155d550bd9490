import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedStep, formatComparison, hashInputs, type StepReport } from './start.js';

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'start-'));
  await mkdir(join(work, 'src', 'deep'), { recursive: true });
  await writeFile(join(work, 'src', 'a.ts'), 'export const a = 1;');
  await writeFile(join(work, 'src', 'deep', 'b.ts'), 'export const b = 2;');
  await writeFile(join(work, 'src', 'a.test.ts'), 'test');
  await writeFile(join(work, 'lock.json'), '{}');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hashInputs', () => {
  it('is stable for the same files and settings', async () => {
    expect(await hashInputs(work, ['src', 'lock.json'], { items: 1 })).toBe(await hashInputs(work, ['src', 'lock.json'], { items: 1 }));
  });

  it('changes with a source file, a settings value or the lock file', async () => {
    const base = await hashInputs(work, ['src', 'lock.json'], { items: 1 });
    expect(await hashInputs(work, ['src', 'lock.json'], { items: 2 })).not.toBe(base);
    await writeFile(join(work, 'src', 'deep', 'b.ts'), 'export const b = 3;');
    const edited = await hashInputs(work, ['src', 'lock.json'], { items: 1 });
    expect(edited).not.toBe(base);
    await writeFile(join(work, 'lock.json'), '{"x":1}');
    expect(await hashInputs(work, ['src', 'lock.json'], { items: 1 })).not.toBe(edited);
  });

  it('ignores test files and missing paths', async () => {
    const base = await hashInputs(work, ['src', 'missing'], null);
    await writeFile(join(work, 'src', 'a.test.ts'), 'changed test');
    expect(await hashInputs(work, ['src', 'missing'], null)).toBe(base);
  });

  it('tells a renamed file from the original', async () => {
    const base = await hashInputs(work, ['src'], null);
    await rm(join(work, 'src', 'a.ts'));
    await writeFile(join(work, 'src', 'c.ts'), 'export const a = 1;');
    expect(await hashInputs(work, ['src'], null)).not.toBe(base);
  });
});

describe('cachedStep', () => {
  const quiet = (): void => undefined;

  it('runs once, then reuses while the inputs match and the output is still there', async () => {
    const stamp = join(work, 'stamps', 'step.json');
    const reports: StepReport[] = [];
    let runs = 0;
    const work1 = async () => ({ run: ++runs });
    const valid = async () => true;
    expect(await cachedStep('step', stamp, 'h1', work1, valid, reports, quiet)).toEqual({ run: 1 });
    expect(await cachedStep('step', stamp, 'h1', work1, valid, reports, quiet)).toEqual({ run: 1 });
    expect(runs).toBe(1);
    expect(reports.map((r) => r.reused)).toEqual([false, true]);
  });

  it('runs again when the inputs change or the output went missing', async () => {
    const stamp = join(work, 'stamps', 'step.json');
    const reports: StepReport[] = [];
    let runs = 0;
    const run = async () => ++runs;
    await cachedStep('step', stamp, 'h1', run, async () => true, reports, quiet);
    await cachedStep('step', stamp, 'h2', run, async () => true, reports, quiet);
    await cachedStep('step', stamp, 'h2', run, async () => false, reports, quiet);
    expect(runs).toBe(3);
  });

  it('records nothing when the step fails, so the next run tries again', async () => {
    const stamp = join(work, 'stamps', 'step.json');
    await expect(cachedStep('step', stamp, 'h1', async () => { throw new Error('boom'); }, async () => true, [], quiet)).rejects.toThrow('boom');
    let ran = false;
    await cachedStep('step', stamp, 'h1', async () => (ran = true), async () => true, [], quiet);
    expect(ran).toBe(true);
  });
});

describe('formatComparison', () => {
  it('prints model vs popularity for HR@10 and NDCG@10 with the ratio', () => {
    const lines = formatComparison({ 'test.hr@10': 0.5, 'popularity.test.hr@10': 0.1, 'test.ndcg@10': 0.3, 'popularity.test.ndcg@10': 0.05 });
    expect(lines).toEqual([
      '  test HR@10: model 0.5000 vs popularity 0.1000 (×5.0)',
      '  test NDCG@10: model 0.3000 vs popularity 0.0500 (×6.0)',
    ]);
  });
  it('skips a metric the manifest lacks', () => {
    expect(formatComparison({ 'test.ndcg@10': 0.3 })).toEqual([]);
  });
});
