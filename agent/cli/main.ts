/**
 * The `switchboard` command line. Each command lives in agent/cli/commands/ and registers
 * itself on the program handed to it; this file only wires them and maps errors to exit codes.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../config/load.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './context.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerRunsCommand } from './commands/runs.ts';
import { registerServiceCommand } from './commands/service.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerMemoryCommand } from './commands/memory.ts';
import { registerInboxCommand } from './commands/inbox.ts';
import { registerBillCommand } from './commands/bill.ts';
import { registerRouteCommand } from './commands/route.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { registerAuthGoogleCommand } from './commands/auth-google.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerCodeCommand, type CommandServices } from './commands/code.ts';
import { registerMarketCommand } from './commands/market.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerInitCommand } from './commands/init.ts';
import { openCommandModels } from '../model-layer.ts';
import { createLogger } from '../logger.ts';

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('switchboard')
    .description('A self-hosted personal AI agent daemon that routes every task to the cheapest model tier that can do it.')
    .option('-c, --config <file>', 'config file (default: $SWITCHBOARD_CONFIG, ~/.config/switchboard/config.yaml, shipped default)')
    .option('-d, --data-dir <dir>', 'data directory for the database, outbox and logs (default: $SWITCHBOARD_DATA_DIR or ./data)')
    .option('--demo', 'read what `switchboard demo` left (<data-dir>/demo, the demo\'s config) instead of your own data')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError();
  registerConfigCommands(program);
  registerStartCommand(program);
  registerRunCommand(program);
  registerStatusCommand(program);
  registerRunsCommand(program);
  registerServiceCommand(program);
  registerDoctorCommand(program);
  registerMemoryCommand(program);
  registerInboxCommand(program);
  registerBillCommand(program);
  registerRouteCommand(program);
  registerReplayCommand(program);
  registerAuthGoogleCommand(program);
  registerSimulateCommand(program);
  const models: CommandServices = {
    open: (context) => openCommandModels(context, createLogger({ level: context.config.log.level, secrets: context.secrets, destination: process.stderr })),
  };
  registerCodeCommand(program, models);
  registerMarketCommand(program, models);
  registerDemoCommand(program);
  registerInitCommand(program);
  return program;
}

/** Runs the CLI and resolves to the process exit status; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
