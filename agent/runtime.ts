/**
 * Turns validated config into the specs the provider layer needs: models with their price
 * history, and providers with resolved keys, swapped for the simulator where there is no key.
 */
import type { Config } from '../config/schema.ts';
import type { ModelSpec, ProviderSpec } from '../contracts/types.ts';

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
      baseURL: provider.baseURL,
      apiKey: provider.apiKey ?? 'none',
      timeoutMs: provider.timeout,
      simulated: false,
    };
  });
}
