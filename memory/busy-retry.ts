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
  /** Stop retrying once this long has passed since the first attempt: reject with the last failure. Default: no limit. */
  giveUpAfterMs?: number;
  /** The waits do not keep the process alive (a background clean-up that may be dropped at exit). */
  unref?: boolean;
}

/**
 * Runs `write` until it succeeds. A transient failure (lock, full disk) is retried after a
 * growing delay, until `signal` aborts or `giveUpAfterMs` has passed (then the last failure
 * rejects); any other error rejects at once.
 */
export async function retryWrite<T>(write: () => T, options: RetryWriteOptions = {}): Promise<T> {
  let delay = options.baseDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const giveUpAt = options.giveUpAfterMs === undefined ? Infinity : Date.now() + options.giveUpAfterMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!isTransientWriteError(error) || options.signal?.aborted) throw error;
      const left = giveUpAt - Date.now();
      if (left <= 0) throw error;
      delay = Math.min(delay, left);
      options.onRetry?.(error, attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        if (options.unref) timer.unref();
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** How long one attempt of a retried write waits on the lock before giving the event loop back. */
export const RETRY_BUSY_TIMEOUT_MS = 25;

interface PragmaStatement {
  get(): unknown;
}
interface BusyTimeoutConnection {
  prepare(source: string): PragmaStatement;
}

/** Prepared `busy_timeout` statements per connection: a write's two switches cost a few µs, not three parses. */
const busyTimeoutStatements = new WeakMap<object, { read: PragmaStatement; set: Map<number, PragmaStatement> }>();

function busyTimeoutStatementsFor(db: BusyTimeoutConnection) {
  let statements = busyTimeoutStatements.get(db);
  if (!statements) {
    statements = { read: db.prepare('PRAGMA busy_timeout'), set: new Map() };
    busyTimeoutStatements.set(db, statements);
  }
  return statements;
}

function setBusyTimeout(db: BusyTimeoutConnection, timeoutMs: number): void {
  const statements = busyTimeoutStatementsFor(db);
  let statement = statements.set.get(timeoutMs);
  if (!statement) {
    statement = db.prepare(`PRAGMA busy_timeout = ${timeoutMs}`);
    statements.set.set(timeoutMs, statement);
  }
  statement.get();
}

/**
 * Runs `work` with the connection's busy timeout set to `timeoutMs`, then puts the previous
 * value back. For writes that `retryWrite` retries: each attempt then blocks the event loop
 * for at most `timeoutMs` instead of the store's default. Synchronous, so nothing else runs on
 * the connection in between.
 */
export function withBusyTimeout<T>(db: BusyTimeoutConnection, timeoutMs: number, work: () => T): T {
  const row = busyTimeoutStatementsFor(db).read.get() as Record<string, unknown> | undefined;
  const previous = Math.max(0, Math.floor(Number(row ? Object.values(row)[0] : 0)));
  setBusyTimeout(db, Math.max(0, Math.floor(timeoutMs)));
  try {
    return work();
  } finally {
    setBusyTimeout(db, previous);
  }
}
