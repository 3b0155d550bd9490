import { describe, expect, it } from 'vitest';
import { CliError, parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('reads the command, --flag value, --flag=value and bare switches', () => {
    const args = parseCliArgs(['train', '--data', 'd', '--seed=7', '--variants', '--k', '10']);
    expect(args.command).toBe('train');
    expect(args.string('data')).toBe('d');
    expect(args.number('seed', 42, { integer: true })).toBe(7);
    expect(args.number('k', 5)).toBe(10);
    expect(args.flag('variants')).toBe(true);
    expect(args.flag('absent')).toBe(false);
    expect(args.number('absent', 3)).toBe(3);
    expect(args.optionalString('absent')).toBeUndefined();
  });

  it('accepts negative numbers as values', () => {
    expect(parseCliArgs(['x', '--seed', '-1']).number('seed', 0)).toBe(-1);
  });

  it('names the flag in every error', () => {
    const args = parseCliArgs(['eval', '--seed', 'abc', '--k', '2.5', '--json', '--split', 'train']);
    expect(() => args.string('data', 'dataset directory')).toThrow('missing --data <dataset directory> for "eval"');
    expect(() => args.number('seed', 1)).toThrow('--seed expects a number, got "abc"');
    expect(() => args.number('k', 1, { integer: true })).toThrow('--k expects an integer, got "2.5"');
    expect(() => args.number('k', 1, { max: 2 })).toThrow('--k must be ≤ 2, got 2.5');
    expect(() => args.string('json')).toThrow('--json needs a value');
    expect(() => args.choice('split', ['test', 'valid'], 'test')).toThrow('--split must be one of test, valid, got "train"');
    expect(() => args.allowOnly(['seed', 'k', 'json'])).toThrow('unknown flag --split for "eval" (allowed: --seed, --k, --json)');
    expect(() => args.string('data')).toThrow(CliError);
  });

  it('rejects repeated flags and stray words', () => {
    expect(() => parseCliArgs(['eval', '--data', 'a', '--data', 'b'])).toThrow('--data is given twice');
    expect(() => parseCliArgs(['eval', '--data', 'a', 'b'])).toThrow('unexpected argument "b"');
  });
});
