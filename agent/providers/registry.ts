import type { ProviderSpec } from '../../contracts/types.ts';
import { unknownVendorValue } from './response.ts';
import type { ProviderClient, ProviderRegistry } from './types.ts';

/**
 * Builds one client per provider spec, keyed by `spec.name`. Throws on a duplicate name or
 * an unknown `api`. Nothing registers itself: the result is passed in explicitly.
 *
 * Each client loads its SDK on its first call: the two SDKs cost about 140 ms and 20 MB to
 * import, which a daemon that calls no model until its first job should not pay at start.
 */
export function createProviderRegistry(specs: ProviderSpec[]): ProviderRegistry {
  const registry = new Map<string, ProviderClient>();
  for (const spec of specs) {
    if (registry.has(spec.name)) throw new Error(`Duplicate provider name: ${spec.name}`);
    registry.set(spec.name, createLazyProvider(spec));
  }
  return registry;
}

function createLazyProvider(spec: ProviderSpec): ProviderClient {
  const load = loaderFor(spec);
  let client: Promise<ProviderClient> | undefined;
  return {
    spec,
    async complete(model, request, signal, options) {
      client ??= load();
      return (await client).complete(model, request, signal, options);
    },
  };
}

function loaderFor(spec: ProviderSpec): () => Promise<ProviderClient> {
  switch (spec.api) {
    case 'openai':
      return async () => (await import('./openai.ts')).createOpenAIProvider(spec);
    case 'anthropic':
      return async () => (await import('./anthropic.ts')).createAnthropicProvider(spec);
    default:
      return unknownVendorValue('provider api', spec.api);
  }
}
