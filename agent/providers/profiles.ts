/**
 * The known differences of the servers that speak OpenAI chat completions. The model's
 * capabilities say what the model accepts; the profile says what the server in front of it
 * accepts, and wins where they disagree (OpenRouter takes `max_tokens` for every model).
 *
 * Sources, read 2026-12-01:
 * - OpenAI: the chat completions reference (platform.openai.com/docs/api-reference/chat).
 * - OpenRouter: openrouter.ai/docs (API reference "parameters", "reasoning tokens", "errors",
 *   "structured outputs"): `max_tokens`, reasoning as `reasoning: { effort }`, 402 for
 *   insufficient credits, errors mid-stream as a chunk with an `error` field and
 *   `finish_reason: "error"`, model ids prefixed by vendor.
 * - Ollama: docs.ollama.com/api/openai-compatibility: supported request fields include
 *   `max_tokens` (not `max_completion_tokens`), `reasoning_effort`, `response_format`,
 *   `stream_options.include_usage`, `tools`; no developer role; no API key; an unknown model
 *   is a 404 whose body names the model ("model ... not found, try pulling it first").
 * - Gemini: ai.google.dev/gemini-api/docs/openai: base
 *   `https://generativelanguage.googleapis.com/v1beta/openai/`, `reasoning_effort` mapped to
 *   thinking, `max_tokens`; errors come as a JSON array `[{"error": {"code", "message",
 *   "status"}}]` (google-gemini/gemini-cli issues #4635, #14438 show the body), which the
 *   openai SDK cannot read, so the profile unwraps it before the SDK sees it.
 */
import type { EndpointProfile, ModelCapabilities } from '../../contracts/types.ts';

export interface ProfileRules {
  name: EndpointProfile;
  /** The output-limit parameter this server takes whatever the model; undefined: the model's own. */
  tokenLimitParameter?: ModelCapabilities['tokenLimitParameter'];
  /** How reasoning effort is sent: OpenAI's `reasoning_effort`, OpenRouter's `reasoning: { effort }`. */
  reasoningEffort: 'reasoning_effort' | 'reasoning_object';
  /** The server accepts the `developer` role (else the system prompt goes as `system`). */
  developerRole: boolean;
  /** Function tools may carry `strict: true`. */
  strictTools: boolean;
  /** A 404 from chat completions means the model is unknown (the route always exists). */
  notFoundIsModel: boolean;
  /** 402 Payment Required means the account has no credit left. */
  paymentRequiredIsQuota: boolean;
  /** Error bodies come as a one-element JSON array and are unwrapped before the SDK reads them. */
  arrayErrorBodies: boolean;
  /** Models are addressed as `vendor/model`. */
  vendorPrefixedModels: boolean;
}

const PROFILES: Record<EndpointProfile, ProfileRules> = {
  openai: {
    name: 'openai',
    reasoningEffort: 'reasoning_effort',
    developerRole: true,
    strictTools: true,
    notFoundIsModel: false,
    paymentRequiredIsQuota: true,
    arrayErrorBodies: false,
    vendorPrefixedModels: false,
  },
  openrouter: {
    name: 'openrouter',
    tokenLimitParameter: 'max_tokens',
    reasoningEffort: 'reasoning_object',
    developerRole: false,
    strictTools: true,
    notFoundIsModel: true,
    paymentRequiredIsQuota: true,
    arrayErrorBodies: false,
    vendorPrefixedModels: true,
  },
  ollama: {
    name: 'ollama',
    tokenLimitParameter: 'max_tokens',
    reasoningEffort: 'reasoning_effort',
    developerRole: false,
    strictTools: false,
    notFoundIsModel: true,
    paymentRequiredIsQuota: false,
    arrayErrorBodies: false,
    vendorPrefixedModels: false,
  },
  gemini: {
    name: 'gemini',
    tokenLimitParameter: 'max_tokens',
    reasoningEffort: 'reasoning_effort',
    developerRole: false,
    strictTools: false,
    notFoundIsModel: true,
    paymentRequiredIsQuota: false,
    arrayErrorBodies: true,
    vendorPrefixedModels: false,
  },
  compatible: {
    name: 'compatible',
    reasoningEffort: 'reasoning_effort',
    developerRole: false,
    strictTools: false,
    notFoundIsModel: false,
    paymentRequiredIsQuota: true,
    arrayErrorBodies: false,
    vendorPrefixedModels: false,
  },
};

/** The rules of `profile`; `openai` when none is given. */
export function profileRules(profile: EndpointProfile | undefined): ProfileRules {
  return PROFILES[profile ?? 'openai'];
}

/**
 * A fetch that rewrites a one-element JSON array error body (`[{"error": {...}}]`) into the
 * object the openai SDK reads (`{"error": {...}}`), so the status, message and Google `status`
 * field survive. Anything else passes through untouched.
 */
export function unwrappingArrayErrors(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.ok) return response;
    const text = await response.text();
    let body = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.length === 1 && typeof parsed[0] === 'object' && parsed[0] !== null && 'error' in parsed[0]) {
        body = JSON.stringify(parsed[0]);
      }
    } catch {
      // Not JSON: the SDK reports the text as it is.
    }
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}
