/**
 * Turns validated config into the specs the provider layer needs: models with their price
 * history, and providers with resolved keys, swapped for the simulator where there is no key.
 */
import type { Config } from '../config/schema.ts';
import type { EndpointProfile, ModelSpec, ProviderSpec } from '../contracts/types.ts';

export function resolveModels(config: Config): Map<string, ModelSpec> {
  const models = new Map<string, ModelSpec>();
  for (const [id, model] of Object.entries(config.models)) {
    models.set(id, {
      id,
      apiModel: model.model ?? id,
      provider: model.provider,
      contextWindow: model.contextWindow,
      maxOutputTokens: model.maxOutputTokens,
      prices: model.prices.map((price) => ({
        input: price.input,
        cachedInput: price.cachedInput ?? price.input,
        cacheWrite: price.cacheWrite ?? price.input,
        output: price.output,
        effectiveFrom: price.effectiveFrom,
      })),
    });
  }
  return models;
}

export interface SimulatorEndpoints {
  openaiBaseURL: string;
  anthropicBaseURL: string;
}

/** Which providers will be served by the simulator under `config.simulator.mode`. */
export function simulatedProviderNames(config: Config): string[] {
  return Object.entries(config.providers)
    .filter(([, provider]) => {
      if (config.simulator.mode === 'always') return true;
      if (config.simulator.mode === 'never') return false;
      return !provider.keyless && !provider.apiKey;
    })
    .map(([name]) => name);
}

export class MissingKeyError extends Error {}

/**
 * The endpoint profile of a configured provider: its own, else `openai` for the official API
 * (no baseURL) and `compatible` for any other server. A simulated provider keeps the profile
 * of the server it stands in for, so the simulator sees the requests the real one would.
 */
export function endpointProfileOf(provider: Pick<Config['providers'][string], 'api' | 'baseURL' | 'profile'>): EndpointProfile | undefined {
  if (provider.api !== 'openai') return undefined;
  return provider.profile ?? (provider.baseURL === undefined ? 'openai' : 'compatible');
}

/**
 * Provider specs ready for the registry. A simulated provider keeps its name (so routes and
 * the ledger read the same) but points at the simulator and is marked `simulated`.
 * Throws `MissingKeyError` for a keyed provider without a key when the simulator is off.
 */
export function resolveProviders(config: Config, simulator: SimulatorEndpoints | undefined): ProviderSpec[] {
  const simulated = new Set(simulatedProviderNames(config));
  return Object.entries(config.providers).map(([name, provider]) => {
    if (simulated.has(name)) {
      if (!simulator) throw new Error(`provider ${name} needs the simulator, but none is running`);
      return {
        name,
        api: provider.api,
        profile: endpointProfileOf(provider),
        baseURL: provider.api === 'openai' ? simulator.openaiBaseURL : simulator.anthropicBaseURL,
        apiKey: 'simulated',
        timeoutMs: provider.timeout,
        simulated: true,
      };
    }
    if (!provider.keyless && !provider.apiKey) {
      throw new MissingKeyError(
        `providers.${name}: no API key (set apiKey: \${ENV_VAR} or apiKeyFile) and simulator.mode is "never"`,
      );
    }
    return {
      name,
      api: provider.api,
      profile: endpointProfileOf(provider),
      baseURL: provider.baseURL,
      apiKey: provider.apiKey ?? 'none',
      timeoutMs: provider.timeout,
      simulated: false,
    };
  });
}
