import type { ChatRequest, ChatResponse, ModelSpec, ProviderSpec } from '../types.ts';

/**
 * One wire API. `complete` turns a request into a response or throws a `ProviderError`;
 * it never retries, never touches the store and never looks at budgets.
 */
export interface ProviderClient {
  readonly spec: ProviderSpec;
  complete(model: ModelSpec, request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
}

/** Built once at start-up from config and passed in explicitly. */
export type ProviderRegistry = ReadonlyMap<string, ProviderClient>;
