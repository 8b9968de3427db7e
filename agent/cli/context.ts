/**
 * What every CLI command needs before it does its work: the global options, the validated
 * config and the data directory. Exit statuses are part of the contract: 2 for bad input
 * (config, arguments), 1 for a failure while working.
 */
import { resolve } from 'node:path';
import { findConfig, loadConfig, type LoadedConfig } from '../../config/load.ts';
import { guardOutput } from './safe-output.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
}

/** A failure the CLI reports as one clear message and an exit status, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export interface CommandContext extends LoadedConfig {
  dataDir: string;
  databasePath: string;
  env: NodeJS.ProcessEnv;
}

/** The data directory: `--data-dir`, then `SWITCHBOARD_DATA_DIR`, then `./data`. */
export function resolveDataDir(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  return resolve(options.dataDir ?? env.SWITCHBOARD_DATA_DIR ?? 'data');
}

/**
 * Loads config and paths; throws `ConfigError` (exit 2) on bad config. From then on, what this
 * process prints passes through the loaded secrets' redactor (agent/cli/safe-output.ts).
 */
export function loadContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const loaded = loadConfig(findConfig(options.config, env), env);
  guardOutput(loaded.redactor);
  const dataDir = resolveDataDir(options, env);
  return { ...loaded, dataDir, databasePath: resolve(dataDir, 'switchboard.db'), env };
}
