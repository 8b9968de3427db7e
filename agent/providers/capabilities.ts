/**
 * What a model's API accepts, and the output limit a call may use there. Requests are built
 * from `ModelSpec.capabilities` (the model catalogue, or the config for a model the catalogue
 * does not know); only a spec without capabilities falls back to `defaultCapabilities`, the
 * one place that guesses, and it guesses on the side the real APIs never reject.
 */
import type { ChatRequest, ModelCapabilities, ModelSpec, ProviderApi } from '../../contracts/types.ts';

/** The model's capabilities: its own when declared, else the conservative default for its API. */
export function capabilitiesOf(model: ModelSpec, api: ProviderApi): ModelCapabilities {
  return model.capabilities ?? defaultCapabilities(model.apiModel, api);
}

/**
 * The capabilities assumed for a model nobody described. Every choice is the one a real API
 * accepts whatever the model turns out to be:
 * - no sampling parameters (they are optional everywhere; reasoning models and current
 *   Anthropic models reject them);
 * - an OpenAI model whose name says o-series or gpt-5 is a reasoning model, so it gets
 *   `max_completion_tokens` and room for reasoning; any other gets `max_tokens`, which every
 *   OpenAI-compatible server knows;
 * - strict structured output only for OpenAI families known to have it, JSON mode elsewhere;
 *   Anthropic structured output through a forced tool, which every Claude model without
 *   mandatory thinking accepts.
 */
export function defaultCapabilities(apiModel: string, api: ProviderApi): ModelCapabilities {
  switch (api) {
    case 'openai': {
      // OpenRouter and other gateways prefix the vendor: "openai/gpt-5.6-sol".
      const name = apiModel.slice(apiModel.lastIndexOf('/') + 1).toLowerCase();
      const reasoning = /^(o\d|gpt-5)/.test(name) && !name.includes('chat');
      const strict = reasoning || /^gpt-(4o|4\.1|5)/.test(name);
      return {
        reasoning,
        samplingParameters: false,
        tokenLimitParameter: reasoning ? 'max_completion_tokens' : 'max_tokens',
        systemRole: 'system',
        structuredOutput: strict ? 'strict' : 'json_mode',
        toolCalling: true,
        promptCaching: false,
        thinking: 'none',
      };
    }
    case 'anthropic':
      return {
        reasoning: false,
        samplingParameters: false,
        tokenLimitParameter: 'max_tokens',
        systemRole: 'system',
        structuredOutput: 'tool',
        toolCalling: true,
        promptCaching: true,
        thinking: 'none',
      };
  }
}

/**
 * Hidden reasoning tokens count against the output limit; this much is added on top of what
 * the caller asked to see, by reasoning effort, so that a small visible cap on a reasoning
 * model is not an empty answer waiting to happen. The figures follow the providers' advice to
 * leave at least several thousand tokens for reasoning, more at higher effort.
 */
const REASONING_ALLOWANCE: Record<string, number> = {
  none: 0,
  minimal: 1_024,
  low: 4_096,
  medium: 8_192,
  high: 16_384,
  xhigh: 24_576,
  max: 32_768,
};
const DEFAULT_REASONING_ALLOWANCE = REASONING_ALLOWANCE.medium;

/** Reasoning tokens to allow for on `model` at its configured effort; 0 for a model that does not reason. */
export function reasoningAllowance(model: ModelSpec, capabilities: ModelCapabilities): number {
  const reasons = capabilities.reasoning || capabilities.thinking === 'always';
  if (!reasons) return 0;
  const effort = model.reasoningEffort;
  if (effort === undefined) return DEFAULT_REASONING_ALLOWANCE;
  return REASONING_ALLOWANCE[effort] ?? DEFAULT_REASONING_ALLOWANCE;
}

/**
 * The output-token limit sent for `request` on `model`: what the caller asked for (or the
 * model's limit), plus the reasoning allowance, never above the model's own maximum. The
 * router reserves budget for exactly this many tokens.
 */
export function outputTokenLimit(model: ModelSpec, capabilities: ModelCapabilities, request: Pick<ChatRequest, 'maxOutputTokens'>): number {
  const visible = Math.min(request.maxOutputTokens ?? model.maxOutputTokens, model.maxOutputTokens);
  return Math.min(visible + reasoningAllowance(model, capabilities), model.maxOutputTokens);
}

/** The reasoning effort to send, when the model or tier sets one the model accepts; undefined otherwise. */
export function reasoningEffortFor(model: ModelSpec, capabilities: ModelCapabilities): string | undefined {
  const effort = model.reasoningEffort;
  if (effort === undefined) return undefined;
  if (capabilities.reasoningEfforts && !capabilities.reasoningEfforts.includes(effort)) return undefined;
  if (!capabilities.reasoning && capabilities.thinking === 'none') return undefined;
  return effort;
}

/**
 * Whether `temperature`/`top_p` may be sent: the model accepts them, or it is a reasoning
 * model that allows them at reasoning effort `none` and that is the effort sent.
 */
export function acceptsSampling(model: ModelSpec, capabilities: ModelCapabilities): boolean {
  if (capabilities.samplingParameters) return true;
  return capabilities.reasoning && reasoningEffortFor(model, capabilities) === 'none';
}
