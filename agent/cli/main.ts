/**
 * The `switchboard` command line. The commands are listed in command-table.ts; only the one
 * being run is imported (with everything it needs), the others appear in `--help` by name and
 * summary alone. This file wires them and maps errors to exit codes.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../config/config-error.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';
import { COMMANDS } from './command-table.ts';

/** Global options that take a value (the token after them is not a command name). */
const VALUE_OPTIONS = new Set(['-c', '--config', '-d', '--data-dir', '--as-of']);

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * The command `argv` (node, script, args...) asks for: the first operand after the global
 * options, or the one after `help`. Undefined when there is none (bare `--help`, `--version`).
 */
export function chosenCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let index = 0; index < args.length; index++) {
    const token = args[index]!;
    if (token === '--') return args[index + 1];
    if (VALUE_OPTIONS.has(token)) {
      index++;
      continue;
    }
    if (token.startsWith('-')) continue;
    return token === 'help' ? (args.slice(index + 1).find((next) => !next.startsWith('-')) ?? token) : token;
  }
  return undefined;
}

/**
 * The program for `argv`: the chosen command registered in full (its module imported), every
 * other command as a name and summary only. Without `argv`, every command is loaded in full.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('switchboard')
    .description('A self-hosted personal AI agent daemon that routes every task to the cheapest model tier that can do it.')
    .option('-c, --config <file>', 'config file (default: $SWITCHBOARD_CONFIG, ~/.config/switchboard/config.yaml, shipped default)')
    .option('-d, --data-dir <dir>', 'data directory for the database, outbox and logs (default: $SWITCHBOARD_DATA_DIR or ./data)')
    .option('--as-of <day>', 'judge model retirements as of this day, YYYY-MM-DD (default: today)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError();
  const chosen = argv ? chosenCommand(argv) : undefined;
  for (const entry of COMMANDS) {
    if (!argv || entry.name === chosen) await entry.register(program);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}

/** Runs the CLI and resolves to the process exit status; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT_OK;
    }
    return EXIT_BAD_INPUT;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`switchboard: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof CliError) {
    process.stderr.write(`switchboard: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchboard: ${message}\n`);
  return EXIT_FAILURE;
}
