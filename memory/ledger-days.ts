/**
 * The calendar the ledger counts in. Each call's `day` and `month` (and each reservation's and
 * budget event's) are the owner's calendar day and month in one IANA time zone, recorded under
 * kv `ledger.timeZone` ('UTC' for a ledger written before the zone was recorded, and for a new
 * one until a router names the owner's zone). Daily and monthly caps, the bill and the
 * briefing all read those columns, so they count the same days. Changing the zone re-counts
 * the whole history once (`useLedgerTimeZone`), so every row is always on one calendar.
 */
import type { Statement } from 'better-sqlite3';
import type { Store } from './store.ts';
import { cachedRead, noteOwnWrite } from './read-cache.ts';

export const LEDGER_TIME_ZONE_KEY = 'ledger.timeZone';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of `moment` in `timeZone`. Throws a RangeError for an unknown zone. */
export function dayIn(moment: Date, timeZone: string): string {
  if (timeZone === 'UTC') return moment.toISOString().slice(0, 10);
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(moment);
}

const readStatements = new WeakMap<Store, Statement<[string]>>();

/** The zone the ledger's days are counted in; 'UTC' when none was recorded. One primary-key read. */
export function ledgerTimeZone(db: Store): string {
  let statement = readStatements.get(db);
  if (!statement) {
    statement = db.prepare<[string]>('SELECT value FROM kv WHERE key = ?').pluck();
    readStatements.set(db, statement);
  }
  const read = statement;
  return cachedRead(db, LEDGER_TIME_ZONE_KEY, () => (read.get(LEDGER_TIME_ZONE_KEY) as string | undefined) ?? 'UTC');
}

export interface Rezoning {
  from: string;
  to: string;
  /** Ledger rows whose day moved. */
  movedCalls: number;
}

const REBUILD_CALL_TOTALS = `
DELETE FROM call_totals;
INSERT INTO call_totals (day, month, tier, job, model, provider, simulated, calls, failed_calls, input_tokens,
  cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, flagship_cost_usd, cache_savings_usd)
SELECT day, month, tier, COALESCE(job, ''), model, provider, simulated, COUNT(*), SUM(outcome <> 'ok'), SUM(input_tokens),
  SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd),
  SUM(flagship_cost_usd), SUM(cache_savings_usd)
FROM calls GROUP BY day, month, tier, COALESCE(job, ''), model, provider, simulated;
DELETE FROM budget_totals;
INSERT INTO budget_totals (period, scope, name, spent_usd)
SELECT period, scope, name, SUM(cost_usd) FROM (
  SELECT day AS period, 'total' AS scope, '' AS name, cost_usd FROM call_totals
  UNION ALL SELECT month, 'total', '', cost_usd FROM call_totals
  UNION ALL SELECT day, 'tier', tier, cost_usd FROM call_totals
  UNION ALL SELECT month, 'tier', tier, cost_usd FROM call_totals
  UNION ALL SELECT day, 'job', job, cost_usd FROM call_totals WHERE job <> ''
  UNION ALL SELECT month, 'job', job, cost_usd FROM call_totals WHERE job <> ''
) GROUP BY period, scope, name;
INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations)
SELECT period, scope, name, SUM(amount_usd), COUNT(*) FROM (
  SELECT day AS period, 'total' AS scope, '' AS name, amount_usd FROM budget_reservations
  UNION ALL SELECT month, 'total', '', amount_usd FROM budget_reservations
  UNION ALL SELECT day, 'tier', tier, amount_usd FROM budget_reservations
  UNION ALL SELECT month, 'tier', tier, amount_usd FROM budget_reservations
  UNION ALL SELECT day, 'job', job, amount_usd FROM budget_reservations WHERE job <> ''
  UNION ALL SELECT month, 'job', job, amount_usd FROM budget_reservations WHERE job <> ''
) WHERE true GROUP BY period, scope, name
ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = excluded.reserved_usd, reservations = excluded.reservations;
`;

/**
 * Makes `timeZone` the ledger's calendar. When it differs from the recorded one, every call,
 * reservation and budget event is moved to its day in the new zone and the rollups
 * (`call_totals`, `budget_totals`) are rebuilt, in one `BEGIN IMMEDIATE` transaction: linear
 * in the history, once per change of zone. Returns undefined when nothing changed. Throws a
 * RangeError for an unknown zone (config validation refuses one first, path `timezone`).
 */
export function useLedgerTimeZone(db: Store, timeZone: string, now: Date = new Date()): Rezoning | undefined {
  dayIn(now, timeZone);
  // Already so (the usual case): no write lock for a reading command like `bill`.
  const recordedZone = db.prepare('SELECT value FROM kv WHERE key = ?').pluck().get(LEDGER_TIME_ZONE_KEY) as string | undefined;
  if (recordedZone === timeZone) return undefined;
  const change = db.transaction((): Rezoning | undefined => {
    const from = ledgerTimeZone(db);
    const recorded = db.prepare('SELECT 1 FROM kv WHERE key = ?').get(LEDGER_TIME_ZONE_KEY) !== undefined;
    if (from === timeZone && recorded) return undefined;
    db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(
      LEDGER_TIME_ZONE_KEY,
      timeZone,
      now.toISOString(),
    );
    if (from === timeZone) return undefined;
    db.function('switchboard_day', { deterministic: true }, (instant: unknown) => dayIn(new Date(String(instant)), timeZone));
    const movedCalls = db
      .prepare(`UPDATE calls SET day = switchboard_day(started_at), month = substr(switchboard_day(started_at), 1, 7) WHERE day <> switchboard_day(started_at)`)
      .run().changes;
    db.prepare(`UPDATE budget_reservations SET day = switchboard_day(created_at), month = substr(switchboard_day(created_at), 1, 7)`).run();
    db.prepare(`UPDATE budget_events SET day = switchboard_day(at), month = substr(switchboard_day(at), 1, 7)`).run();
    db.exec(REBUILD_CALL_TOTALS);
    return { from, to: timeZone, movedCalls };
  });
  try {
    return change.immediate();
  } finally {
    noteOwnWrite(db);
  }
}
