/**
 * What every CLI command needs before it does its work: the global options, the validated
 * config and the data directory. Exit statuses are part of the contract: 2 for bad input
 * (config, arguments), 1 for a failure while working.
 */
import { resolve } from 'node:path';
import { findConfig, loadConfig, type LoadedConfig } from '../../config/load.ts';

import { CliError, EXIT_BAD_INPUT } from './cli-error.ts';

export { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  /** YYYY-MM-DD: judge model retirements as of this day instead of today. */
  asOf?: string;
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
  const loaded = loadConfig(findConfig(options.config, env), env, { now: asOfDate(options.asOf) });
  const dataDir = resolveDataDir(options, env);
  return { ...loaded, dataDir, databasePath: resolve(dataDir, 'switchboard.db'), env };
}

/** The `--as-of` day as a Date (noon UTC), or now. Throws `CliError` (exit 2) on a malformed day. */
export function asOfDate(asOf: string | undefined): Date {
  if (asOf === undefined) return new Date();
  const date = new Date(`${asOf}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== asOf) {
    throw new CliError(`--as-of: expected a day YYYY-MM-DD, found "${asOf}"`, EXIT_BAD_INPUT);
  }
  return date;
}

/** Config warnings (models retiring soon) on stderr, one line each. */
export function printConfigWarnings(context: Pick<CommandContext, 'warnings'>, stream: NodeJS.WritableStream = process.stderr): void {
  for (const warning of context.warnings) stream.write(`switchboard: warning: ${warning.path}: ${warning.message}\n`);
}
