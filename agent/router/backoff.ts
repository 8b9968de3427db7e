/**
 * The one place Switchboard waits before a retry. The SDKs' own retries are off
 * (`maxRetries: 0`); the router calls these helpers, so attempts never multiply.
 */
import { ProviderError } from '../../contracts/provider-error.ts';

export interface BackoffOptions {
  /** Delay scale of the first retry. */
  baseMs: number;
  /** Upper bound of any delay, retry-after included (config `retry.maxWait`). */
  maxMs: number;
  /** The provider's retry-after, honoured (up to `maxMs`) instead of the computed delay. */
  retryAfterMs?: number;
  /** Uniform [0, 1); injected for tests. */
  random?: () => number;
}

/**
 * Milliseconds to wait before retry number `attempt` (0 for the first retry): the provider's
 * retry-after when given, else "full jitter", a uniform draw in [0, base * 2^attempt);
 * either way never more than `maxMs`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  if (options.retryAfterMs !== undefined && options.retryAfterMs >= 0) {
    return Math.min(options.retryAfterMs, options.maxMs);
  }
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/**
 * Resolves after `ms`, or rejects with a `ProviderError` of kind `aborted` as soon as
 * `signal` aborts (at once if it already has). Leaves no timer behind either way.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abortError = () =>
      new ProviderError({ kind: 'aborted', message: 'aborted while waiting to retry', provider: 'router', model: '', cause: signal?.reason });
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
