/**
 * The shapes that flow through Switchboard: chat requests and responses, usage, tiers,
 * routing decisions and classified provider errors. Plain data only; behaviour lives in
 * the modules that take these shapes.
 */

export const TIERS = ['orchestration', 'execution', 'reasoning', 'large-context'] as const;
export type Tier = (typeof TIERS)[number];

/** Cost order of tiers, cheapest first: used to tell under-routing from over-routing. */
export const TIER_RANK: Record<Tier, number> = {
  orchestration: 0,
  execution: 1,
  reasoning: 2,
  'large-context': 1,
};

export type ProviderApi = 'openai' | 'anthropic';

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Arguments as parsed JSON; `{}` when the model sent none. */
  arguments: Record<string, unknown>;
}

/**
 * Content a provider returned that must go back to it unchanged on the next turn of the same
 * conversation: Anthropic's thinking and redacted_thinking blocks, whose signatures the API
 * checks in a tool loop. Opaque to everything but the provider that made it: the orchestrator
 * copies it from the response onto the assistant message, and a provider of another `api` (or,
 * for thinking blocks, another model) ignores it and rebuilds the turn from `content` and
 * `toolCalls`.
 */
export interface ProviderContent {
  api: ProviderApi;
  /** The API model name that produced the blocks. */
  model: string;
  /** The provider's own content blocks of the turn, in the order received. */
  blocks: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; providerContent?: ProviderContent }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError?: boolean };

export interface ChatRequest {
  messages: Message[];
  tools?: ToolDefinition[];
  /** When set, the model must answer with JSON matching this schema. */
  responseSchema?: { name: string; schema: Record<string, unknown> };
  maxOutputTokens?: number;
  temperature?: number;
  /** Stream the answer; forced on for large `maxOutputTokens`. */
  stream?: boolean;
  /**
   * Number of leading messages that form a stable prefix (system prompt, soul, tools):
   * providers that support prompt caching mark a cache breakpoint after them.
   */
  cachePrefixMessages?: number;
}

export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/**
 * Why the model stopped. `refusal`: the model declined to answer (OpenAI's `refusal` field,
 * Anthropic's `stop_reason: "refusal"`); the router never returns such a response as a
 * success, it fails the call with the error kind `refused`.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'refusal' | 'error';

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The model's refusal message when `finishReason` is `refusal` (may be empty). */
  refusal?: string;
  /** Blocks to send back unchanged with this turn (Anthropic thinking); see `ProviderContent`. */
  providerContent?: ProviderContent;
  usage: Usage;
  /** The model id the provider says answered. */
  model: string;
  /** True when the answer came from the provider simulator. */
  simulated: boolean;
}

/**
 * What went wrong with a call, decided once at the provider edge. Beside the transient kinds
 * (retried or passed to the next model) and `auth`:
 * - `model_not_found`: this model is dead for us (retired, unknown id, no access: OpenAI 404
 *   `model_not_found`, Anthropic 404 `not_found_error`); fall back, and keep it out until the
 *   config or catalogue changes.
 * - `quota_exhausted`: the provider is dead for us (OpenAI `insufficient_quota`, billing hard
 *   limit, Anthropic "credit balance is too low"); no retry, fall back to another provider.
 * - `invalid_request`: the provider rejected the shape of a request Switchboard built (an
 *   unsupported parameter or value, a schema strict mode refuses, an empty content block): a
 *   defect of Switchboard, recorded as such; fall back.
 * - `bad_request`: any other 4xx the provider gave no reason to blame on the request's shape;
 *   ends the chain.
 * - `refused`: the model declined to answer (a refusal, not an error of the wire); never a
 *   success, ends the chain.
 */
export const ERROR_KINDS = [
  'rate_limited',
  'overloaded',
  'server',
  'timeout',
  'network',
  'stream_cut',
  'auth',
  'model_not_found',
  'quota_exhausted',
  'invalid_request',
  'bad_request',
  'context_too_long',
  'content_filtered',
  'refused',
  'aborted',
  'budget_exceeded',
  'circuit_open',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ModelPrice {
  /** USD per 1M tokens. */
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  /** ISO date (YYYY-MM-DD) from which this price applies. */
  effectiveFrom: string;
  /** A surcharge on the whole request when its input (uncached, cached and written) exceeds a size. */
  longContext?: { aboveInputTokens: number; inputMultiplier: number; outputMultiplier: number };
}

/**
 * What a model's API accepts, from the model catalogue (config/catalogue): requests are built
 * from these, never from the provider's name or base URL.
 */
export interface ModelCapabilities {
  /** A reasoning model: hidden reasoning tokens count against the output limit. */
  reasoning: boolean;
  /** Accepts `temperature`/`top_p` (reasoning models and some current Anthropic models refuse them). */
  samplingParameters: boolean;
  /** OpenAI chat: the name of the output-token limit parameter. */
  tokenLimitParameter: 'max_tokens' | 'max_completion_tokens';
  /** OpenAI chat: the role the system prompt is sent with. */
  systemRole: 'system' | 'developer';
  /**
   * How a JSON answer is asked for: `strict` (OpenAI json_schema strict, Anthropic native
   * output format), `tool` (a forced tool call), `json_mode` (JSON object mode plus validation).
   */
  structuredOutput: 'strict' | 'tool' | 'json_mode';
  toolCalling: boolean;
  promptCaching: boolean;
  /** Anthropic extended thinking: `always` models refuse forced tool_choice and need thinking blocks passed back. */
  thinking: 'none' | 'optional' | 'always';
  /** Reasoning effort values the model accepts (`none` allows sampling parameters on some models). */
  reasoningEfforts?: string[];
}

/** Dated facts about a model's life, from the providers' deprecation pages. */
export interface ModelLifecycle {
  /** ISO dates (YYYY-MM-DD). */
  released?: string;
  deprecated?: string;
  /** From this day the API answers 404. */
  retires?: string;
  /** The catalogue id the provider names as replacement. */
  replacement?: string;
}

/** A model as resolved from config, with the provider it is reached through. */
export interface ModelSpec {
  id: string;
  /** The model name sent to the provider's API. */
  apiModel: string;
  provider: string;
  contextWindow: number;
  maxOutputTokens: number;
  prices: ModelPrice[];
  /** From the catalogue, or declared in config for a model the catalogue does not know. */
  capabilities?: ModelCapabilities;
  lifecycle?: ModelLifecycle;
  /** The model-catalogue id this model resolved to; absent for a model the catalogue does not know. */
  catalogueId?: string;
  /** Reasoning effort sent with each request (a tier or model setting), where the model accepts one. */
  reasoningEffort?: string;
}

/**
 * Which server speaks an `openai` API: the official one, or an OpenAI-compatible endpoint
 * users run, each with its known differences (agent/providers/profiles.ts). `compatible` is
 * any other server, treated conservatively.
 */
export const ENDPOINT_PROFILES = ['openai', 'openrouter', 'ollama', 'gemini', 'compatible'] as const;
export type EndpointProfile = (typeof ENDPOINT_PROFILES)[number];

export interface ProviderSpec {
  name: string;
  api: ProviderApi;
  /** For an `openai` API: the server behind it (default `openai` without a baseURL, else `compatible`). */
  profile?: EndpointProfile;
  baseURL?: string;
  /** Resolved secret; never logged or stored. */
  apiKey?: string;
  timeoutMs: number;
  simulated: boolean;
}
