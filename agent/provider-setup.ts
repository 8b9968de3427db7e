/**
 * Brings up the provider layer for a process: resolves provider specs from config, starts
 * the in-process simulator when some provider has no key (or the config says always), and
 * builds the registry. `close()` stops the simulator.
 */
import type { Config } from '../config/schema.ts';
import { createProviderRegistry } from './providers/registry.ts';
import type { ProviderRegistry } from './providers/types.ts';
import { capabilitiesOf } from './providers/capabilities.ts';
import { endpointProfileOf, resolveModels, resolveProviders, simulatedProviderNames } from './runtime.ts';
import { startSimulator } from './simulator/simulator.ts';
import type { SimulatedModel, Simulator } from './simulator/types.ts';
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
  const models = resolveModels(config);
  const simulator =
    simulated.length > 0
      ? await startSimulator({ port: options.simulatorPort ?? config.simulator.port, models: simulatedModels(config, models, simulated) })
      : undefined;
  try {
    const specs = resolveProviders(config, simulator);
    return {
      specs,
      models,
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

/**
 * The models the simulator serves, as the real APIs know them: the configured models of the
 * simulated providers, with their capabilities, output limits and retirement dates. Any other
 * model id is a 404 there, as it would be at the provider.
 */
export function simulatedModels(config: Config, models: ReadonlyMap<string, ModelSpec>, simulatedProviders: readonly string[]): SimulatedModel[] {
  return [...models.values()]
    .filter((model) => simulatedProviders.includes(model.provider))
    .map((model) => {
      const provider = config.providers[model.provider];
      return {
        apiModel: model.apiModel,
        api: provider.api,
        profile: endpointProfileOf(provider),
        capabilities: capabilitiesOf(model, provider.api),
        maxOutputTokens: model.maxOutputTokens,
        retires: model.lifecycle?.retires,
      };
    });
}
