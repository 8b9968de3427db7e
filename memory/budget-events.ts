/**
 * Budget events: each time a cap downgraded a call to a cheaper tier or deferred it, and each
 * time a call's real cost took a scope past its cap (an overrun, written by the settlement in
 * memory/budget.ts). The bill and the briefing read them, so a cap never acts silently.
 */
import { dayIn, ledgerTimeZone } from './ledger-days.ts';
import type { Store } from './store.ts';

export interface BudgetEvent {
  at: Date;
  job?: string;
  kind: 'downgrade' | 'defer' | 'overrun';
  fromTier: string;
  /** The tier the call moved to; absent for a deferral. */
  toTier?: string;
  /** The cap that acted, in words (e.g. "daily reasoning cap $2.00: spent $1.98"). */
  cap: string;
}

export interface BudgetEventSummary {
  downgrades: number;
  deferrals: number;
  overruns: number;
  /** USD the overruns took their caps past, summed. */
  overUsd: number;
  /** One line per distinct (kind, job, from, to), with its count, most frequent first. */
  lines: string[];
}

export function recordBudgetEvent(db: Store, event: BudgetEvent): void {
  const day = dayIn(event.at, ledgerTimeZone(db));
  db.prepare(
    `INSERT INTO budget_events (at, day, month, job, kind, from_tier, to_tier, cap) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(event.at.toISOString(), day, day.slice(0, 7), event.job ?? null, event.kind, event.fromTier, event.toTier ?? null, event.cap);
}

/** Events of a day (YYYY-MM-DD) or month (YYYY-MM) of the ledger's calendar; zeros and no lines when none. */
export function budgetEventsFor(db: Store, period: { day?: string; month?: string }): BudgetEventSummary {
  const [column, value] = period.day ? ['day', period.day] : ['month', period.month ?? ''];
  const rows = db
    .prepare(
      `SELECT kind, COALESCE(job, '(ad hoc)') AS job, from_tier AS fromTier, to_tier AS toTier, COUNT(*) AS count, MAX(cap) AS cap
         , COALESCE(SUM(over_usd), 0) AS overUsd
       FROM budget_events WHERE ${column} = ? GROUP BY kind, job, from_tier, to_tier ORDER BY count DESC, kind DESC, job`,
    )
    .all(value) as Array<{ kind: BudgetEvent['kind']; job: string; fromTier: string; toTier: string | null; count: number; cap: string; overUsd: number }>;
  let downgrades = 0;
  let deferrals = 0;
  let overruns = 0;
  let overUsd = 0;
  const lines = rows.map((row) => {
    const calls = `${row.count} call${row.count === 1 ? '' : 's'}`;
    switch (row.kind) {
      case 'downgrade':
        downgrades += row.count;
        return `${row.job}: ${calls} downgraded ${row.fromTier} → ${row.toTier}; ${row.cap}`;
      case 'defer':
        deferrals += row.count;
        return `${row.job}: ${calls} deferred (${row.fromTier}); ${row.cap}`;
      case 'overrun':
        overruns += row.count;
        overUsd += row.overUsd;
        return `${row.job}: ${calls} (${row.fromTier}) cost more than reserved and went over a cap by $${row.overUsd.toFixed(4)} in all; ${row.cap}`;
    }
  });
  return { downgrades, deferrals, overruns, overUsd, lines };
}
