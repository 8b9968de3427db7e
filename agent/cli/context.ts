/**
 * What every CLI command needs before it does its work: the global options, the validated
 * config and the data directory. Exit statuses are part of the contract: 2 for bad input
 * (config, arguments), 1 for a failure while working.
 */
import { resolve } from 'node:path';
import { findConfig, loadConfig, type LoadedConfig } from '../../config/load.ts';

export { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
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

/** Loads config and paths; throws `ConfigError` (exit 2) on bad config. */
export function loadContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const loaded = loadConfig(findConfig(options.config, env), env);
  const dataDir = resolveDataDir(options, env);
  return { ...loaded, dataDir, databasePath: resolve(dataDir, 'switchboard.db'), env };
}
