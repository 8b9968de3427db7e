/**
 * What every CLI command needs before it does its work: the global options, the validated
 * config and the data directory. Exit statuses are part of the contract: 2 for bad input
 * (config, arguments), 1 for a failure while working.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDemoConfig } from '../demo/demo-config.ts';
import { DEMO_MARKER } from '../demo/demo-marker.ts';
import { findConfig, loadConfig, type LoadedConfig, type LoadOptions } from '../../config/load.ts';
import { guardOutput } from './safe-output.ts';

import { CliError, EXIT_BAD_INPUT } from './cli-error.ts';


export { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  /** Read the demo's data (`<data-dir>/demo`) under the demo's config, as `switchboard demo` left it. */
  demo?: boolean;
  /** YYYY-MM-DD: judge model retirements as of this day instead of today. */
  asOf?: string;
}

export interface CommandContext extends LoadedConfig {
  dataDir: string;
  databasePath: string;
  env: NodeJS.ProcessEnv;
}

/** The data directory: `--data-dir`, then `SWITCHBOARD_DATA_DIR`, then `./data`; its `demo/` under `--demo`. */
export function resolveDataDir(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  const base = resolve(options.dataDir ?? env.SWITCHBOARD_DATA_DIR ?? 'data');
  return options.demo ? demoDataDir(base) : base;
}

/** Where `switchboard demo` writes, under a data directory. */
export function demoDataDir(base: string): string {
  return join(base, 'demo');
}

/**
 * Loads config and paths; throws `ConfigError` (exit 2) on bad config. From then on, what this process prints passes
 * through the loaded secrets' redactor (agent/cli/safe-output.ts). Read-only commands pass
 * `{ secrets: 'deferred' }`: an unset secret is then an error only where `requireSecrets` asks.
 */
export function loadContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env, load: LoadOptions = {}): CommandContext {
  const dataDir = resolveDataDir(options, env);
  if (options.demo) {
    if (options.config) throw new CliError('--demo reads the demo\'s own config; drop --config', EXIT_BAD_INPUT);
    if (!existsSync(join(dataDir, DEMO_MARKER))) {
      throw new CliError(`--demo: no demo data in ${dataDir}; run \`switchboard demo\` first`, EXIT_BAD_INPUT);
    }
    const loaded = buildDemoConfig({ dataDir, scratchRepo: join(dataDir, 'scratch-repo'), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    guardOutput(loaded.redactor);
    return { ...loaded, dataDir, databasePath: resolve(dataDir, 'switchboard.db'), env };
  }
  const loaded = loadConfig(findConfig(options.config, env), env, { ...load, now: asOfDate(options.asOf) });
  guardOutput(loaded.redactor);
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
