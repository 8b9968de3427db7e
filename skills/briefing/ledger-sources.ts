/**
 * What the briefing reads from the daemon's own tables: a day's spend and savings against the
 * flagship (call_totals), budget state against config caps, failed or skipped job runs, and
 * the latest result of another skill (job_runs). Read-only queries; empty results are not errors.
 */
import { budgetEventsFor } from '../../memory/budget-events.ts';
import type { Store } from '../../memory/store.ts';
import type { Config } from '../../config/schema.ts';
import type { BudgetLine, JobProblem, SkillSnapshot, SpendReport } from './types.ts';

const NEAR_CAP = 0.8;
const PROBLEM_STATUSES = ['degraded', 'failed', 'timed_out', 'interrupted', 'skipped_overlap', 'skipped_budget', 'missed', 'cancelled'];
const MAX_ERROR_LENGTH = 160;
const MAX_HIGHLIGHTS = 5;

interface TierRow {
  tier: string;
  calls: number;
  failed_calls: number;
  cost_usd: number;
  flagship_cost_usd: number;
  simulated: number;
}

/**
 * Spend of ledger day `day` by tier, with budget lines: daily caps against `day`, monthly caps
 * against the month-to-date of `month`. All zeros when nothing was spent.
 */
export function spendReport(db: Store, day: string, month: string, budgets: Config['budgets'] | undefined): SpendReport {
  const rows = db
    .prepare(
      `SELECT tier, SUM(calls) AS calls, SUM(failed_calls) AS failed_calls, SUM(cost_usd) AS cost_usd,
              SUM(flagship_cost_usd) AS flagship_cost_usd, MAX(simulated) AS simulated
       FROM call_totals WHERE day = ? GROUP BY tier ORDER BY cost_usd DESC, tier`,
    )
    .all(day) as TierRow[];
  const sum = (pick: (row: TierRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    day,
    calls: sum((row) => row.calls),
    failedCalls: sum((row) => row.failed_calls),
    costUsd: sum((row) => row.cost_usd),
    flagshipCostUsd: sum((row) => row.flagship_cost_usd),
    byTier: rows.map((row) => ({ tier: row.tier, calls: row.calls, costUsd: row.cost_usd })),
    simulated: rows.some((row) => row.simulated === 1),
    budget: budgets ? budgetLines(db, day, month, budgets) : [],
    capEvents: budgetEventsFor(db, { day }).lines,
  };
}

function budgetLines(db: Store, day: string, month: string, budgets: Config['budgets']): BudgetLine[] {
  const dayByTier = totalsByTier(db, 'day', day);
  const monthByTier = totalsByTier(db, 'month', month);
  const total = (byTier: Map<string, number>) => [...byTier.values()].reduce((sum, value) => sum + value, 0);
  const lines: BudgetLine[] = [];
  const add = (label: string, spentUsd: number, capUsd: number | undefined) => {
    if (capUsd === undefined) return;
    const ratio = capUsd === 0 ? (spentUsd > 0 ? Infinity : 0) : spentUsd / capUsd;
    lines.push({ label, spentUsd, capUsd, state: ratio >= 1 ? 'over' : ratio >= NEAR_CAP ? 'near' : 'ok' });
  };
  add('Daily total', total(dayByTier), budgets.daily.total);
  for (const [tier, cap] of Object.entries(budgets.daily.tiers)) add(`Daily ${tier}`, dayByTier.get(tier) ?? 0, cap);
  add('Month to date', total(monthByTier), budgets.monthly.total);
  for (const [tier, cap] of Object.entries(budgets.monthly.tiers)) add(`Monthly ${tier}`, monthByTier.get(tier) ?? 0, cap);
  return lines;
}

function totalsByTier(db: Store, column: 'day' | 'month', value: string): Map<string, number> {
  const rows = db
    .prepare(`SELECT tier, SUM(cost_usd) AS cost_usd FROM call_totals WHERE ${column} = ? GROUP BY tier`)
    .all(value) as { tier: string; cost_usd: number }[];
  return new Map(rows.map((row) => [row.tier, row.cost_usd]));
}

/** Runs that failed, timed out, were interrupted, skipped or missed since `since`, newest first. */
export function jobProblemsSince(db: Store, since: Date): JobProblem[] {
  const rows = db
    .prepare(
      `SELECT job, status, COALESCE(ended_at, started_at, created_at) AS at, error FROM job_runs
       WHERE status IN (${PROBLEM_STATUSES.map(() => '?').join(', ')}) AND COALESCE(ended_at, started_at, created_at) >= ?
       ORDER BY at DESC LIMIT 20`,
    )
    .all(...PROBLEM_STATUSES, since.toISOString()) as { job: string; status: string; at: string; error: string | null }[];
  return rows.map((row) => ({
    job: row.job,
    status: row.status,
    at: row.at,
    ...(row.error ? { error: row.error.split('\n')[0].slice(0, MAX_ERROR_LENGTH) } : {}),
  }));
}

/**
 * The latest succeeded run of `skill` that ended after `since`, with the `summary` and any
 * string `highlights` of its result JSON; undefined when it did not run.
 */
export function latestSkillSnapshot(db: Store, skill: string, since: Date): SkillSnapshot | undefined {
  const row = db
    .prepare(
      `SELECT job, ended_at, result FROM job_runs WHERE skill = ? AND status = 'succeeded' AND ended_at >= ?
       ORDER BY ended_at DESC LIMIT 1`,
    )
    .get(skill, since.toISOString()) as { job: string; ended_at: string; result: string | null } | undefined;
  if (!row) return undefined;
  const result = parseResult(row.result);
  const highlights = result.details?.highlights;
  return {
    job: row.job,
    ranAt: row.ended_at,
    summary: typeof result.summary === 'string' ? result.summary : '(no summary)',
    highlights: Array.isArray(highlights)
      ? highlights.filter((item): item is string => typeof item === 'string').slice(0, MAX_HIGHLIGHTS)
      : [],
  };
}

function parseResult(text: string | null): { summary?: unknown; details?: { highlights?: unknown } } {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as { summary?: unknown }) : { summary: String(value) };
  } catch {
    return { summary: text };
  }
}

/** True when any call of run `runId` was answered by the simulator. */
export function runUsedSimulator(db: Store, runId: number): boolean {
  return db.prepare('SELECT 1 FROM calls WHERE run_id = ? AND simulated = 1 LIMIT 1').get(runId) !== undefined;
}
