/**
 * The public entry point (package.json `exports`): one call through the full stack (tier
 * decision, breaker, budget reservation, provider, ledger) without the CLI or the daemon.
 *
 *   import { openSwitchboard } from 'switchboard';
 *   const switchboard = await openSwitchboard({ config: './config.yaml', dataDir: './data' });
 *   const answer = await switchboard.complete({ task: { kind: 'summarise' }, request: { messages } });
 *   await switchboard.close();
 *
 * The sources are TypeScript: load them through tsx (`node --import tsx`), as the CLI does.
 */
import { join, resolve } from 'node:path';
import { findConfig, loadConfig, parseConfigText, type LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openStore, type Store } from '../memory/store.ts';
import type { ModelRouter, RouteDecision, RoutedRequest, RoutedResponse, RoutingTask, CallOrigin } from '../contracts/router.ts';
import type { ChatRequest, Tier } from '../contracts/types.ts';
import { silentLogger, type Logger } from './logger.ts';
import { setUpProviders, type ProviderSetup } from './provider-setup.ts';
import { createRouter } from './router/router.ts';
import { createTierDecider, orchestratorTierQuestion } from './router/tier-decider.ts';

export type { ChatRequest, ChatResponse, ErrorKind, Message, Tier, Usage } from '../contracts/types.ts';
export type { CallOrigin, ModelRouter, RouteDecision, RoutedRequest, RoutedResponse, RoutingTask } from '../contracts/router.ts';
export type { Config } from '../config/schema.ts';
export { ProviderError } from '../contracts/provider-error.ts';
export { ChainError } from '../contracts/chain-error.ts';
export { ConfigError } from '../config/config-error.ts';

export interface SwitchboardOptions {
  /**
   * A config file, or the settings as an object (validated exactly as the file would be).
   * Default: the CLI's lookup ($SWITCHBOARD_CONFIG, ~/.config/switchboard/config.yaml, the shipped default).
   */
  config?: string | Record<string, unknown>;
  /** Where the database lives (default: $SWITCHBOARD_DATA_DIR or ./data). */
  dataDir?: string;
  /** The database file itself, overriding `dataDir`; `:memory:` for a throwaway ledger. */
  databasePath?: string;
  /** Where `${VAR}` references in the config are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The tier decision; default: the configured decider (step kinds, classifier, orchestrator question). */
  decideTier?: (task: RoutingTask, signal?: AbortSignal) => Promise<{ tier: Tier; reason: string }>;
}

export interface Switchboard extends ModelRouter {
  decide(task: RoutingTask, request?: ChatRequest, origin?: CallOrigin): Promise<RouteDecision>;
  readonly config: Config;
  /** The ledger connection, for reading what the calls cost (memory/bill.ts, memory/ledger.ts). */
  readonly db: Store;
  /** Closes the database and stops the simulator when one was started. */
  close(): Promise<void>;
}

function loadSettings(options: SwitchboardOptions, env: NodeJS.ProcessEnv): LoadedConfig {
  if (typeof options.config === 'object') {
    // YAML is a superset of JSON: the object goes through the same interpolation and validation as a file.
    return parseConfigText(JSON.stringify(options.config), { path: '(config object)', origin: '--config' }, env);
  }
  return loadConfig(findConfig(options.config, env), env);
}

/**
 * Opens the stack: config (throws `ConfigError` naming each problem), providers (the simulator
 * stands in for keyless ones, as in the daemon), the database (migrated) and the router.
 * Every call through `complete` is budgeted and written to the ledger.
 */
export async function openSwitchboard(options: SwitchboardOptions = {}): Promise<Switchboard> {
  const env = options.env ?? process.env;
  const { config } = loadSettings(options, env);
  const databasePath = options.databasePath ?? join(resolve(options.dataDir ?? env.SWITCHBOARD_DATA_DIR ?? 'data'), 'switchboard.db');
  const providers: ProviderSetup = await setUpProviders(config);
  let db: Store;
  try {
    db = openStore(databasePath);
  } catch (error) {
    await providers.close();
    throw error;
  }
  const logger = options.logger ?? silentLogger();
  let router: ModelRouter | undefined;
  const decideTier = options.decideTier ?? createTierDecider(config, { askOrchestrator: orchestratorTierQuestion(() => router!) });
  const routerStack = createRouter({ db, config, models: providers.models, providers: providers.registry, decideTier, logger });
  router = routerStack;
  return {
    config,
    db,
    complete: (routed: RoutedRequest, signal?: AbortSignal): Promise<RoutedResponse> => routerStack.complete(routed, signal),
    decide: (task, request, origin) => routerStack.decide(task, request, origin),
    close: async () => {
      routerStack.releaseBudget();
      db.close();
      await providers.close();
    },
  };
}
