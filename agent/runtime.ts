/**
 * Turns validated config into the specs the provider layer needs: models with their price
 * history, and providers with resolved keys, swapped for the simulator where there is no key.
 */
import type { Config } from '../config/schema.ts';
import { loadCatalogue, type Catalogue } from '../config/catalogue.ts';
import { PLAIN_CHAT_CAPABILITIES, resolveModelConfigs } from '../config/resolve-models.ts';
import type { EndpointProfile, ModelCapabilities, ModelSpec, ProviderSpec } from '../contracts/types.ts';

/**
 * Model specs for every configured or referenced model, with catalogue facts filled in
 * (capabilities and lifecycle on every spec). Lifecycle is not judged here: config load did.
 * Throws when a model lacks limits or prices (only possible for a config not read by `loadConfig`).
 */
export function resolveModels(config: Config, catalogue: Catalogue = loadCatalogue()): Map<string, ModelSpec> {
  const resolution = resolveModelConfigs(config, { catalogue, strict: false });
  if (resolution.issues.length > 0) {
    throw new Error(`cannot resolve models: ${resolution.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
  const models = new Map<string, ModelSpec>();
  for (const [id, model] of Object.entries(resolution.models)) {
    if (!model.provider || !model.contextWindow || !model.maxOutputTokens || !model.prices) {
      throw new Error(`model ${id} is missing provider, limits or prices`);
    }
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
        ...(price.longContext ? { longContext: price.longContext } : {}),
      })),
      // Config load refuses a model without capabilities; a config built in code gets a plain chat model's.
      capabilities: { ...PLAIN_CHAT_CAPABILITIES, ...model.capabilities } as ModelCapabilities,
      lifecycle: model.lifecycle ?? {},
      ...(model.catalogue ? { catalogueId: model.catalogue } : {}),
      ...(model.reasoningEffort ? { reasoningEffort: model.reasoningEffort } : {}),
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
