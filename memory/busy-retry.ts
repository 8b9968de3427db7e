/**
 * Writes that must land even when another process holds the database's write lock or the disk
 * is full: retried asynchronously with backoff, so the event loop never waits on the lock for
 * longer than one short busy timeout (store.ts) per attempt.
 */

const RETRYABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC']);

/** True for a write that failed because of the lock or the disk, not because of what it wrote. */
export function isTransientWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (RETRYABLE_CODES.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR'));
}

export interface RetryWriteOptions {
  /** First wait (default 100 ms); doubles up to `maxDelayMs` (default 5 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait with the failure and the attempt number (1-based). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** Aborting stops the retries: the returned promise rejects with the last failure. */
  signal?: AbortSignal;
}

/**
 * Runs `write` until it succeeds. A transient failure (lock, full disk) is retried after a
 * growing delay, without limit unless `signal` aborts; any other error rejects at once.
 */
export async function retryWrite<T>(write: () => T, options: RetryWriteOptions = {}): Promise<T> {
  let delay = options.baseDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!isTransientWriteError(error) || options.signal?.aborted) throw error;
      options.onRetry?.(error, attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
