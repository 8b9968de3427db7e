import type { ErrorKind, Usage } from './types.ts';

/**
 * The one error type that leaves the provider layer. Everything above decides on `kind`,
 * never on message text. `usage` holds what a failed or cut call had already consumed.
 */
export class ProviderError extends Error {
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string;
  readonly model: string;
  readonly usage: Usage | undefined;

  constructor(options: {
    kind: ErrorKind;
    message: string;
    provider: string;
    model: string;
    status?: number;
    retryAfterMs?: number;
    usage?: Usage;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.model = options.model;
    this.usage = options.usage;
  }
}

/**
 * Kinds that say a model is unavailable for now: worth a retry on the same model (after a
 * wait) and counted by its breaker. The chain also moves on after `model_not_found`,
 * `quota_exhausted`, `invalid_request`, `auth` and `context_too_long`, but retrying the same
 * model cannot help those.
 */
export function isRetryable(kind: ErrorKind): boolean {
  switch (kind) {
    case 'rate_limited':
    case 'overloaded':
    case 'server':
    case 'timeout':
    case 'network':
    case 'stream_cut':
    case 'circuit_open':
      return true;
    case 'auth':
    case 'model_not_found':
    case 'quota_exhausted':
    case 'invalid_request':
    case 'refused':
    case 'bad_request':
    case 'context_too_long':
    case 'content_filtered':
    case 'aborted':
    case 'budget_exceeded':
      return false;
  }
}
