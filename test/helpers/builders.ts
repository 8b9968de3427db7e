import type { ChatRequest, ModelSpec, ProviderSpec, Usage } from '../../contracts/types.ts';

/** A model spec; `apiModel` is the name the simulator scripts are keyed by. */
export function aModel(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'test-model',
    apiModel: 'test-model',
    provider: 'test-provider',
    contextWindow: 128_000,
    maxOutputTokens: 1024,
    prices: [{ input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 4, effectiveFrom: '2025-01-01' }],
    ...overrides,
  };
}

export function aProviderSpec(overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return {
    name: 'test-provider',
    api: 'openai',
    apiKey: 'sk-test-secret-key-0123456789',
    timeoutMs: 5_000,
    simulated: false,
    ...overrides,
  };
}

export function aRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    messages: [
      { role: 'system', content: 'You are a careful assistant.' },
      { role: 'user', content: 'What is on my calendar today?' },
    ],
    ...overrides,
  };
}

export function aUsage(overrides: Partial<Usage> = {}): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...overrides };
}
