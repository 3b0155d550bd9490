/**
 * Typed access to the command line of `npm run -s reco -- <command> --flag value …`.
 * Flags are `--name value`, `--name=value`, or a bare `--name` (a boolean switch).
 * Every problem is a CliError whose message names the flag, so the CLI prints one clear line.
 *
 * Use it in a command as:
 *   args.allowOnly(['data', 'out', 'seed']);
 *   const dataDir = args.string('data', 'the dataset directory');
 *   const seed = args.number('seed', 42, { integer: true });
 */

/** A usage error: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** What every sub-command module exports (e.g. train/command.ts → trainCommand). */
export type CommandHandler = (args: CliArgs) => Promise<void>;

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

export class CliArgs {
  constructor(
    /** The sub-command (`train`, `recommend`, `eval`), or '' when none was given. */
    readonly command: string,
    private readonly flags: ReadonlyMap<string, string | true>,
  ) {}

  /** A required flag with a value. `what` describes it in the error ("the dataset directory"). */
  string(name: string, what = 'a value'): string {
    const value = this.optionalString(name);
    if (value === undefined) throw new CliError(`missing --${name} <${what}> for "${this.command}"`);
    return value;
  }

  /** A flag with a value, or undefined when absent. */
  optionalString(name: string): string | undefined {
    const value = this.flags.get(name);
    if (value === true) throw new CliError(`--${name} needs a value`);
    if (value !== undefined && value.trim() === '') throw new CliError(`--${name} needs a non-empty value`);
    return value;
  }

  /** An optional number; `fallback` when absent. */
  number(name: string, fallback: number, rule: NumberRule = {}): number {
    const text = this.optionalString(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new CliError(`--${name} expects a number, got ${JSON.stringify(text)}`);
    if (rule.integer && !Number.isInteger(value)) throw new CliError(`--${name} expects an integer, got ${JSON.stringify(text)}`);
    if (rule.min !== undefined && value < rule.min) throw new CliError(`--${name} must be ≥ ${rule.min}, got ${text}`);
    if (rule.max !== undefined && value > rule.max) throw new CliError(`--${name} must be ≤ ${rule.max}, got ${text}`);
    return value;
  }

  /** One of a fixed set of values; `fallback` when absent. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.optionalString(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new CliError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  }

  /** A boolean switch: true when `--name` is present without a value (or with true/false). */
  flag(name: string): boolean {
    const value = this.flags.get(name);
    if (value === undefined) return false;
    if (value === true || value === 'true') return true;
    if (value === 'false') return false;
    throw new CliError(`--${name} is a switch and takes no value, got ${JSON.stringify(value)}`);
  }

  has(name: string): boolean {
    return this.flags.has(name);
  }

  /** Rejects any flag not in `names` (catches typos such as --modle). */
  allowOnly(names: readonly string[]): void {
    for (const name of this.flags.keys()) {
      if (!names.includes(name)) {
        throw new CliError(`unknown flag --${name} for "${this.command}" (allowed: ${names.map((n) => `--${n}`).join(', ')})`);
      }
    }
  }
}

/** Parses `argv` (without node and the script): the first word is the command, then flags. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const flags = new Map<string, string | true>();
  let command = '';
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('--')) {
      if (i === 0) {
        command = word;
        continue;
      }
      throw new CliError(`unexpected argument ${JSON.stringify(word)}: values follow a --flag`);
    }
    const body = word.slice(2);
    const equals = body.indexOf('=');
    const name = equals === -1 ? body : body.slice(0, equals);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new CliError(`bad flag ${JSON.stringify(word)}`);
    if (flags.has(name)) throw new CliError(`--${name} is given twice`);
    if (equals !== -1) {
      flags.set(name, body.slice(equals + 1));
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      flags.set(name, argv[++i]!);
    } else {
      flags.set(name, true);
    }
  }
  return new CliArgs(command, flags);
}
