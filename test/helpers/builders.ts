import type { ChatRequest, ModelCapabilities, ModelSpec, ProviderSpec, Usage } from '../../contracts/types.ts';

/** A model spec; `apiModel` is the name the simulator scripts are keyed by. */
/** A model with explicit capabilities (a non-reasoning chat model unless overridden). */
export function aModel(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'test-model',
    apiModel: 'test-model',
    provider: 'test-provider',
    contextWindow: 128_000,
    maxOutputTokens: 1024,
    prices: [{ input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 4, effectiveFrom: '2025-01-01' }],
    capabilities: aChatModel(),
    ...overrides,
  };
}

/** A chat model that accepts sampling parameters and strict structured output (gpt-4.1-like). */
export function aChatModel(overrides: Partial<ModelCapabilities> = {}): ModelCapabilities {
  return {
    reasoning: false,
    samplingParameters: true,
    tokenLimitParameter: 'max_tokens',
    systemRole: 'system',
    structuredOutput: 'strict',
    toolCalling: true,
    promptCaching: true,
    thinking: 'none',
    ...overrides,
  };
}

/** An OpenAI reasoning model (gpt-5-like): no sampling parameters, max_completion_tokens, developer role. */
export function aReasoningModel(overrides: Partial<ModelCapabilities> = {}): ModelCapabilities {
  return aChatModel({
    reasoning: true,
    samplingParameters: false,
    tokenLimitParameter: 'max_completion_tokens',
    systemRole: 'developer',
    reasoningEfforts: ['none', 'minimal', 'low', 'medium', 'high'],
    ...overrides,
  });
}

/** A Claude model with forced-tool structured output and no mandatory thinking (haiku-4-5-like). */
export function aClaudeModel(overrides: Partial<ModelCapabilities> = {}): ModelCapabilities {
  return aChatModel({ samplingParameters: false, structuredOutput: 'tool', ...overrides });
}

/** A Claude model that always thinks: refuses forced tool use, native output format, thinking blocks passed back. */
export function aThinkingClaudeModel(overrides: Partial<ModelCapabilities> = {}): ModelCapabilities {
  return aClaudeModel({ reasoning: true, structuredOutput: 'strict', thinking: 'always', reasoningEfforts: ['low', 'medium', 'high', 'max'], ...overrides });
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
