import type { CallOptions } from '../../contracts/router.ts';
import type { ChatRequest, ChatResponse, ModelSpec, ProviderSpec } from '../../contracts/types.ts';

/**
 * One wire API. `complete` turns a request into a response or throws a `ProviderError`;
 * it never retries, never touches the store and never looks at budgets.
 *
 * Usage convention, the same for every provider: `inputTokens` is UNCACHED input only;
 * `cachedInputTokens` (cache reads) and `cacheWriteTokens` (cache writes) are disjoint from
 * it, so the prompt's size is their sum. Anthropic reports usage this way natively; OpenAI
 * counts cached tokens inside `prompt_tokens`, and its provider subtracts them.
 */
export interface ProviderClient {
  readonly spec: ProviderSpec;
  complete(model: ModelSpec, request: ChatRequest, signal?: AbortSignal, options?: CallOptions): Promise<ChatResponse>;
}

/** Built once at start-up from config and passed in explicitly. */
export type ProviderRegistry = ReadonlyMap<string, ProviderClient>;
