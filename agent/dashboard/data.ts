/**
 * What the dashboard shows, read from the store with the same functions the CLI uses (runs,
 * bill, approvals, breakers, dead models), so a page and a command agree on every figure.
 */
import type { Config } from '../../config/schema.ts';
import { listProposals, type Proposal } from '../../memory/approvals.ts';
import { billFor, type Baseline, type Bill } from '../../memory/bill.ts';
import { listDeadModels, type DeadModel } from '../../memory/dead-models.ts';
import { listRuns, listSteps, getRun, type RunRecord, type StepRecord } from '../../memory/runs.ts';
import type { Store } from '../../memory/store.ts';
import { jobTimeZone, nextSlot } from '../scheduler/slots.ts';

export interface NextSlot {
  job: string;
  skill: string;
  at: string | null;
  enabled: boolean;
}

export interface Breaker {
  model: string;
  state: string;
  consecutiveFailures: number;
}

export interface TodayView {
  next: NextSlot[];
  runs: RunRecord[];
  pending: Proposal[];
  breakers: Breaker[];
  deadModels: DeadModel[];
}

export function todayView(db: Store, config: Config, now: Date): TodayView {
  const next = Object.entries(config.jobs)
    .map(([name, job]) => {
      let at: string | null = null;
      try {
        at = job.enabled ? (nextSlot({ expression: job.schedule, timezone: jobTimeZone(job, config) }, now)?.toISOString() ?? null) : null;
      } catch {
        at = null;
      }
      return { job: name, skill: job.skill, at, enabled: job.enabled };
    })
    .sort((a, b) => (a.at ?? '~').localeCompare(b.at ?? '~'));
  const breakers = (db.prepare(`SELECT model, state, consecutive_failures FROM breakers ORDER BY model`).all() as Array<{ model: string; state: string; consecutive_failures: number }>).map(
    (row) => ({ model: row.model, state: row.state, consecutiveFailures: row.consecutive_failures }),
  );
  return { next, runs: listRuns(db, { limit: 10 }), pending: listProposals(db, { state: 'pending', limit: 50 }), breakers, deadModels: listDeadModels(db) };
}

export function runsView(db: Store, limit = 50): RunRecord[] {
  return listRuns(db, { limit });
}

export function runView(db: Store, id: number): { run: RunRecord; steps: StepRecord[] } | undefined {
  const run = getRun(db, id);
  return run ? { run, steps: listSteps(db, id) } : undefined;
}

export interface DaySpend {
  day: string;
  byTier: Record<string, number>;
  total: number;
}

export interface SpendView {
  month: string;
  bill: Bill;
  days: DaySpend[];
}

/** The month's bill (as `switchboard bill --month`, against `baselines`) and its spend by day and tier. */
export function spendView(db: Store, month: string, baselines: readonly Baseline[] = []): SpendView {
  const rows = db
    .prepare(`SELECT day, tier, SUM(cost_usd) AS cost FROM call_totals WHERE month = ? GROUP BY day, tier ORDER BY day`)
    .all(month) as Array<{ day: string; tier: string; cost: number }>;
  const days = new Map<string, DaySpend>();
  for (const row of rows) {
    const day = days.get(row.day) ?? { day: row.day, byTier: {}, total: 0 };
    day.byTier[row.tier] = (day.byTier[row.tier] ?? 0) + row.cost;
    day.total += row.cost;
    days.set(row.day, day);
  }
  return { month, bill: billFor(db, { period: 'month', date: month }, baselines), days: [...days.values()] };
}

export function approvalsView(db: Store): { pending: Proposal[]; recent: Proposal[] } {
  return {
    pending: listProposals(db, { state: 'pending', limit: 100 }),
    recent: listProposals(db, { limit: 30 }).filter((proposal) => proposal.state !== 'pending'),
  };
}
