import * as AnthropicErrors from '@anthropic-ai/sdk';
import * as OpenAIErrors from 'openai';
import type { EndpointProfile, ErrorKind, Usage } from '../../contracts/types.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { profileRules } from './profiles.ts';

export interface ErrorContext {
  provider: string;
  model: string;
  /** Redacted from every message; never copied into the error. */
  apiKey?: string;
  /** The caller's signal: once aborted, any failure is `aborted`. */
  signal?: AbortSignal;
  /** The response had begun streaming when the failure came: it becomes `stream_cut`. */
  streamStarted?: boolean;
  /** Usage seen before the failure (a cut stream's message_start, say). */
  usage?: Usage;
  /** Clock for HTTP-date `retry-after` values. */
  now?: number;
  /** For an OpenAI-compatible endpoint: the server behind it, whose statuses mean more (a 404 is the model). */
  profile?: EndpointProfile;
}

type SdkApiError = OpenAIErrors.APIError | AnthropicErrors.APIError;

/**
 * Turns any failure of a provider call (SDK error, network error, cut stream, abort) into the
 * one `ProviderError` that leaves the provider layer. Decides on the SDKs' error classes and
 * on status, `code` and `type` fields; reads message text only where the provider offers no
 * field (Anthropic's "prompt is too long" and "credit balance is too low"). The message keeps
 * the status and the provider's own words, with the API key redacted. Never throws.
 *
 * The bodies this reads, as the providers document them (fixtures in test/providers/fixtures/):
 * - OpenAI `{"error": {"message", "type", "param", "code"}}`: 404 `model_not_found` (retired,
 *   unknown or not accessible model), 429 `insufficient_quota` (no credit: not a rate limit),
 *   400 `context_length_exceeded`, 400 `unsupported_parameter`/`unsupported_value`/
 *   `invalid_value` (a request Switchboard built wrongly).
 * - Anthropic `{"type": "error", "error": {"type", "message"}}`: 404 `not_found_error` (the
 *   model), 400 `invalid_request_error` (with "credit balance is too low" when the account is
 *   empty, "prompt is too long" for context), 402 `billing_error`, 529 `overloaded_error`.
 */
export function classifyProviderError(error: unknown, context: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const sdkMessage = providerMessage(error);
  const message = redact(`${context.provider} (${context.model}): ${sdkMessage}`, context.apiKey);
  const keyLeaked = context.apiKey !== undefined && context.apiKey.length > 0 && sdkMessage.includes(context.apiKey);
  const make = (kind: ErrorKind, extra: { status?: number; retryAfterMs?: number } = {}) =>
    new ProviderError({
      kind,
      message,
      provider: context.provider,
      model: context.model,
      usage: context.usage,
      // The SDK error carries the provider's text verbatim; drop it when that text holds the key.
      cause: keyLeaked ? undefined : error,
      ...extra,
    });

  if (context.signal?.aborted || isAbort(error)) return make('aborted');
  // An error the provider reported inside a started stream (an Anthropic `error` event, an
  // OpenRouter error chunk: the SDK throws it with no status) says what went wrong; anything
  // else after the stream began is a cut stream.
  if (context.streamStarted && !(isSdkApiError(error) && error.status === undefined)) {
    return make('stream_cut', { status: isSdkApiError(error) ? error.status : undefined });
  }
  if (error instanceof OpenAIErrors.APIConnectionTimeoutError || error instanceof AnthropicErrors.APIConnectionTimeoutError) return make('timeout');
  if (error instanceof OpenAIErrors.APIConnectionError || error instanceof AnthropicErrors.APIConnectionError) return make('network');
  if (isSdkApiError(error)) {
    const status = error.status;
    const kind = kindOfApiError(error, context.profile);
    return make(kind, { status, retryAfterMs: kind === 'rate_limited' || kind === 'overloaded' ? retryAfterMs(error.headers, context.now ?? Date.now()) : undefined });
  }
  if (isNetworkFailure(error)) return make('network');
  // A 200 whose body is not JSON, an unknown stop reason, anything else the provider sent
  // that cannot be understood: the provider's fault, as a 5xx would be.
  return make('server');
}

function kindOfApiError(error: SdkApiError, profile: EndpointProfile | undefined): ErrorKind {
  const status = error.status;
  if (error instanceof AnthropicErrors.APIError) {
    switch (error.type) {
      case 'overloaded_error':
        return 'overloaded';
      case 'rate_limit_error':
        return 'rate_limited';
      case 'timeout_error':
        return 'timeout';
      case 'not_found_error':
        return 'model_not_found';
      case 'billing_error':
        return 'quota_exhausted';
      case 'authentication_error':
      case 'permission_error':
        return 'auth';
      default:
        break;
    }
    if (isCreditExhausted(error) || (error.errorCode !== null && ANTHROPIC_ACCOUNT_LIMIT_CODES.has(error.errorCode))) return 'quota_exhausted';
  } else {
    // OpenAI's codes say more than its statuses: insufficient_quota is a 429, model_not_found a 404 or 403.
    if (error.code === 'insufficient_quota' || error.type === 'insufficient_quota' || error.code === 'billing_hard_limit_reached') return 'quota_exhausted';
    if (error.code === 'model_not_found') return 'model_not_found';
    if (status === 404 && profileRules(profile).notFoundIsModel) return 'model_not_found';
  }
  if (status === undefined) return 'server';
  switch (status) {
    case 429:
      return 'rate_limited';
    case 503:
    case 529:
      return 'overloaded';
    case 408:
      return 'timeout';
    case 401:
    case 403:
      return 'auth';
    // 402 Payment Required: the account cannot pay (OpenRouter's "insufficient credits").
    case 402:
      return 'quota_exhausted';
    case 413:
      return 'context_too_long';
  }
  if (status >= 500) return 'server';
  if (isContextTooLong(error)) return 'context_too_long';
  if (isContentFiltered(error)) return 'content_filtered';
  // A 400 refuses the shape of the request, which Switchboard built: its defect, not the input's.
  if (status === 400) return 'invalid_request';
  return 'bad_request';
}

/**
 * `error.details.error_code` values that say the account cannot spend (the SDK's
 * `ErrorDetails` union, resources/shared.d.ts of @anthropic-ai/sdk 1.14).
 */
const ANTHROPIC_ACCOUNT_LIMIT_CODES = new Set([
  'contract_spend_limit_reached',
  'enforced_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
  'organization_on_hold',
]);

/** Anthropic gives no code for an empty account; its documented message is the only signal. */
function isCreditExhausted(error: AnthropicErrors.APIError): boolean {
  return error.type === 'invalid_request_error' && /credit balance is too low/i.test(error.apiMessage ?? '');
}

const OPENAI_CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'invalid_prompt']);

function isContextTooLong(error: SdkApiError): boolean {
  if (error instanceof OpenAIErrors.APIError) return error.code === 'context_length_exceeded';
  // Anthropic gives no code for this; its documented message is the only signal.
  return error.type === 'invalid_request_error' && /prompt is too long/i.test(error.apiMessage ?? '');
}

function isContentFiltered(error: SdkApiError): boolean {
  if (error instanceof OpenAIErrors.APIError) return typeof error.code === 'string' && OPENAI_CONTENT_FILTER_CODES.has(error.code);
  return false;
}

function isSdkApiError(error: unknown): error is SdkApiError {
  return error instanceof OpenAIErrors.APIError || error instanceof AnthropicErrors.APIError;
}

function isAbort(error: unknown): boolean {
  return (
    error instanceof OpenAIErrors.APIUserAbortError ||
    error instanceof AnthropicErrors.APIUserAbortError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** undici's "terminated"/"fetch failed" TypeErrors carry the socket's error code in `cause`. */
function isNetworkFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR'))) return true;
  }
  return false;
}

/** `retry-after-ms` (milliseconds), else `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Anthropic's SDK message is the whole error body as JSON; its `apiMessage` is the provider's words. */
function providerMessage(error: unknown): string {
  if (error instanceof AnthropicErrors.APIError && error.apiMessage) return `${error.status ?? ''} ${error.apiMessage}`.trim();
  return error instanceof Error ? error.message : String(error);
}

function redact(text: string, apiKey: string | undefined): string {
  return apiKey ? text.replaceAll(apiKey, '[redacted]') : text;
}
