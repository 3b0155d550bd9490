import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError, runCli } from './cli.js';
import { DataError } from './data/types.js';

const fixtures = join(import.meta.dirname, 'data/fixtures');

describe('runCli', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints one line and returns 1 for an unknown command or flag', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await runCli(['fly'])).toBe(1);
    expect(await runCli(['eval', '--dat', 'x'])).toBe(1);
    expect(errors.mock.calls.map((call) => call.join(' '))).toEqual([
      'error: unknown command "fly" (commands: train, recommend, eval; run without arguments for usage)',
      'error: unknown flag --dat for "eval" (allowed: --data, --model, --json, --html, --split, --curve-users, --baselines)',
    ]);
  });

  it('reports a data error as file:line: field … without a stack', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await runCli(['eval', '--data', join(fixtures, 'partial-split'), '--json', '/dev/null', '--html', '/dev/null'])).toBe(1);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/^error: .*partial-split: has train\.csv but not valid\.csv, test\.csv/);
  });

  it('describeError keeps a DataError to its message', () => {
    const error = new DataError('e.csv', 3, 'event', 'like', 'is not one of view');
    expect(describeError(error)).toBe('e.csv:3: field "event" is not one of view (value: "like")');
  });
});
