/**
 * Circuit-breaker state per model, in the `breakers` table so that every process on the
 * database (the daemon, `switchboard status`, a second worker) sees the same state. The
 * state machine itself lives in agent/router/breaker.ts; this file only reads and writes.
 */
import type { Statement } from 'better-sqlite3';
import type { Store } from './store.ts';
import { cachedRead, noteOwnWrite } from './read-cache.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerRow {
  model: string;
  state: BreakerState;
  consecutiveFailures: number;
  /** ISO time the breaker last opened; null when closed. */
  openedAt: string | null;
  /** ISO time the in-flight half-open probe started; null when none is in flight. */
  probeStartedAt: string | null;
  lastErrorKind: string | null;
  updatedAt: string;
}

interface RawBreakerRow {
  model: string;
  state: BreakerState;
  consecutive_failures: number;
  opened_at: string | null;
  probe_started_at: string | null;
  last_error_kind: string | null;
  updated_at: string;
}

function toRow(raw: RawBreakerRow): BreakerRow {
  return {
    model: raw.model,
    state: raw.state,
    consecutiveFailures: raw.consecutive_failures,
    openedAt: raw.opened_at,
    probeStartedAt: raw.probe_started_at,
    lastErrorKind: raw.last_error_kind,
    updatedAt: raw.updated_at,
  };
}

/** The two statements every call runs, prepared once per connection. */
function statementsFor(db: Store) {
  let prepared = preparedStatements.get(db);
  if (!prepared) {
    prepared = {
      read: db.prepare<[string]>('SELECT * FROM breakers WHERE model = ?'),
      write: db.prepare<BreakerRow>(
        `INSERT INTO breakers (model, state, consecutive_failures, opened_at, probe_started_at, last_error_kind, updated_at)
         VALUES (@model, @state, @consecutiveFailures, @openedAt, @probeStartedAt, @lastErrorKind, @updatedAt)
         ON CONFLICT (model) DO UPDATE SET state = excluded.state,
           consecutive_failures = excluded.consecutive_failures, opened_at = excluded.opened_at,
           probe_started_at = excluded.probe_started_at, last_error_kind = excluded.last_error_kind,
           updated_at = excluded.updated_at`,
      ),
    };
    preparedStatements.set(db, prepared);
  }
  return prepared;
}

const preparedStatements = new WeakMap<Store, { read: Statement<[string]>; write: Statement<BreakerRow> }>();

/** The stored state of one model's breaker; undefined means closed with no failures. */
export function readBreaker(db: Store, model: string): BreakerRow | undefined {
  return cachedRead(db, `breaker\u0000${model}`, () => {
    const raw = statementsFor(db).read.get(model) as RawBreakerRow | undefined;
    return raw ? toRow(raw) : undefined;
  });
}

/** Every breaker that has ever changed state, by model name; for `switchboard status`. */
export function listBreakers(db: Store): BreakerRow[] {
  return (db.prepare('SELECT * FROM breakers ORDER BY model').all() as RawBreakerRow[]).map(toRow);
}

function writeBreaker(db: Store, row: BreakerRow): void {
  try {
    statementsFor(db).write.run(row);
  } finally {
    noteOwnWrite(db);
  }
}

/**
 * Read-modify-write of one breaker in a `BEGIN IMMEDIATE` transaction, so two processes
 * cannot both claim the half-open probe. `change` returns the new row, or undefined to
 * leave it as it is. Returns `{ before, after }`.
 */
export function updateBreaker(
  db: Store,
  model: string,
  change: (current: BreakerRow | undefined) => BreakerRow | undefined,
): { before: BreakerRow | undefined; after: BreakerRow | undefined } {
  const update = db.transaction(() => {
    const before = readBreaker(db, model);
    const next = change(before);
    if (next) writeBreaker(db, next);
    return { before, after: next ?? before };
  });
  try {
    return update.immediate();
  } finally {
    // A rolled-back write must not stay in the read cache.
    noteOwnWrite(db);
  }
}
