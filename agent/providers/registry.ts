import type { ProviderSpec } from '../types.ts';
import { createAnthropicProvider } from './anthropic.ts';
import { createOpenAIProvider } from './openai.ts';
import { unknownVendorValue } from './response.ts';
import type { ProviderClient, ProviderRegistry } from './types.ts';

/**
 * Builds one client per provider spec, keyed by `spec.name`. Throws on a duplicate name or
 * an unknown `api`. Nothing registers itself: the result is passed in explicitly.
 */
export function createProviderRegistry(specs: ProviderSpec[]): ProviderRegistry {
  const registry = new Map<string, ProviderClient>();
  for (const spec of specs) {
    if (registry.has(spec.name)) throw new Error(`Duplicate provider name: ${spec.name}`);
    registry.set(spec.name, createProvider(spec));
  }
  return registry;
}

function createProvider(spec: ProviderSpec): ProviderClient {
  switch (spec.api) {
    case 'openai':
      return createOpenAIProvider(spec);
    case 'anthropic':
      return createAnthropicProvider(spec);
    default:
      return unknownVendorValue('provider api', spec.api);
  }
}
