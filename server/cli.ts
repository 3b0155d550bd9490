/**
 * The training server's command line: `npm run -s reco -- <command> --flag value …`
 *   train     --data <dataset-dir> --out <model-dir> [--seed N]           (server/train/command.ts)
 *   recommend --model <model-dir> --data <dataset-dir> --split test --k 10 --out <predictions.csv>
 *                                                                        (server/recommend.ts)
 *   eval      --data <dataset-dir> [--model <model-dir>] --json <f> --html <f> [--split test]
 *             [--curve-users N] [--baselines popularity,co-occurrence,item-knn,ease]   (server/eval/command.ts)
 * Errors print one line to stderr and exit with status 1.
 */
import { pathToFileURL } from 'node:url';
import { CliError, parseCliArgs, type CommandHandler } from './cli-args.js';
import { DataError } from './data/types.js';

const USAGE = `usage: npm run -s reco -- <command> [--flag value …]
  train     --data <dataset-dir> --out <model-dir> [--seed N]
  recommend --model <model-dir> --data <dataset-dir> --split test --k 10 --out <predictions.csv>
  eval      --data <dataset-dir> [--model <model-dir>] --json <report.json> --html <report.html>
            [--split test|valid] [--curve-users N] [--baselines popularity,co-occurrence,item-knn,ease]`;

/** Each command's module and export; the modules are loaded only when their command runs. */
const COMMANDS: Record<string, { module: string; handler: string }> = {
  train: { module: './train/command.js', handler: 'trainCommand' },
  recommend: { module: './recommend.js', handler: 'recommendCommand' },
  eval: { module: './eval/command.js', handler: 'evalCommand' },
};

export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === '' || args.command === 'help' || args.flag('help')) {
      console.log(USAGE);
      return args.command === '' && !args.has('help') ? 1 : 0;
    }
    const entry = COMMANDS[args.command];
    if (!entry) throw new CliError(`unknown command ${JSON.stringify(args.command)} (commands: ${Object.keys(COMMANDS).join(', ')}; run without arguments for usage)`);
    await (await loadHandler(entry.module, entry.handler))(args);
    return 0;
  } catch (error) {
    console.error(`error: ${describeError(error)}`);
    return 1;
  }
}

/** One line for the people who ran the command; the stack only when RECO_DEBUG is set (never for data errors). */
export function describeError(error: unknown): string {
  if (error instanceof DataError || error instanceof CliError) return error.message;
  if (error instanceof Error) return process.env.RECO_DEBUG ? String(error.stack) : error.message;
  return String(error);
}

async function loadHandler(modulePath: string, name: string): Promise<CommandHandler> {
  const loaded = (await import(/* @vite-ignore */ modulePath)) as Record<string, unknown>;
  const handler = loaded[name];
  if (typeof handler !== 'function') throw new Error(`${modulePath} does not export ${name}`);
  return handler as CommandHandler;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
