/**
 * Brings up the provider layer for a process: resolves provider specs from config, starts
 * the in-process simulator when some provider has no key (or the config says always), and
 * builds the registry. `close()` stops the simulator.
 */
import type { Config } from '../config/schema.ts';
import { createProviderRegistry } from './providers/registry.ts';
import type { ProviderRegistry } from './providers/types.ts';
import { resolveModels, resolveProviders, simulatedProviderNames } from './runtime.ts';
import { startSimulator } from './simulator/simulator.ts';
import type { Simulator } from './simulator/types.ts';
import type { ModelSpec, ProviderSpec } from '../contracts/types.ts';

export interface ProviderSetup {
  specs: ProviderSpec[];
  models: Map<string, ModelSpec>;
  registry: ProviderRegistry;
  /** Present when at least one provider is simulated. */
  simulator?: Simulator;
  /** Names of the providers served by the simulator. */
  simulated: string[];
  close(): Promise<void>;
}

/** Throws `MissingKeyError` when a keyed provider has no key and the simulator is off. */
export async function setUpProviders(config: Config, options: { simulatorPort?: number } = {}): Promise<ProviderSetup> {
  const simulated = simulatedProviderNames(config);
  const simulator = simulated.length > 0 ? await startSimulator({ port: options.simulatorPort ?? config.simulator.port }) : undefined;
  try {
    const specs = resolveProviders(config, simulator);
    return {
      specs,
      models: resolveModels(config),
      registry: createProviderRegistry(specs),
      simulator,
      simulated,
      close: async () => {
        await simulator?.close();
      },
    };
  } catch (error) {
    await simulator?.close();
    throw error;
  }
}
