/**
 * What the briefing reads from the daemon's own tables: a day's spend and savings against the
 * flagship (call_totals), budget state against config caps, failed or skipped job runs, and
 * the latest result of another skill (job_runs). Read-only queries; empty results are not errors.
 */
import { budgetEventsFor } from '../../memory/budget-events.ts';
import type { Store } from '../../memory/store.ts';
import type { Config } from '../../config/schema.ts';
import type { BudgetLine, JobProblem, MarketFigure, MarketReport, ResearchReport, SkillSnapshot, SpendReport } from './types.ts';
import { addDays } from './local-day.ts';

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
 * Spend of the owner's day `day` (between `bounds`, its local midnights, read from the ledger
 * itself) by tier, real and simulated apart, with budget lines: daily caps against `day`,
 * monthly caps against the month-to-date of the ledger month `month`. All zeros when nothing was spent.
 */
export function spendReport(db: Store, day: string, bounds: { start: Date; end: Date }, month: string, budgets: Config['budgets'] | undefined): SpendReport {
  const rows = db
    .prepare(
      `SELECT tier, COUNT(*) AS calls, SUM(outcome != 'ok') AS failed_calls, SUM(cost_usd) AS cost_usd,
              SUM(flagship_cost_usd) AS flagship_cost_usd, MAX(simulated) AS simulated,
              SUM(CASE WHEN simulated = 1 THEN cost_usd ELSE 0 END) AS simulated_cost_usd
       FROM calls WHERE started_at >= ? AND started_at < ? GROUP BY tier ORDER BY cost_usd DESC, tier`,
    )
    .all(bounds.start.toISOString(), bounds.end.toISOString()) as (TierRow & { simulated_cost_usd: number })[];
  const sum = (pick: (row: TierRow & { simulated_cost_usd: number }) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const monthToDate = [...totalsByTier(db, 'month', month).values()].reduce((total, value) => total + value, 0);
  return {
    day,
    calls: sum((row) => row.calls),
    failedCalls: sum((row) => row.failed_calls),
    costUsd: sum((row) => row.cost_usd),
    realCostUsd: sum((row) => row.cost_usd - row.simulated_cost_usd),
    simulatedCostUsd: sum((row) => row.simulated_cost_usd),
    flagshipCostUsd: sum((row) => row.flagship_cost_usd),
    monthToDateUsd: monthToDate,
    ...(budgets?.monthly.total !== undefined ? { monthCapUsd: budgets.monthly.total } : {}),
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

/**
 * Every finished run since `since` (succeeded ones too: the overnight jobs' outcomes), newest
 * first, except run `exceptRunId` (the briefing itself); `problemsOnly` keeps the failures.
 */
export function jobOutcomesSince(db: Store, since: Date, exceptRunId?: number, problemsOnly = false): JobProblem[] {
  const statuses = problemsOnly ? PROBLEM_STATUSES : [...PROBLEM_STATUSES, 'succeeded'];
  const rows = db
    .prepare(
      `SELECT job, status, COALESCE(ended_at, started_at, created_at) AS at, error FROM job_runs
       WHERE status IN (${statuses.map(() => '?').join(', ')}) AND COALESCE(ended_at, started_at, created_at) >= ? AND id != ?
       ORDER BY at DESC LIMIT 20`,
    )
    .all(...statuses, since.toISOString(), exceptRunId ?? -1) as { job: string; status: string; at: string; error: string | null }[];
  return rows.map((row) => ({
    job: row.job,
    status: row.status,
    at: row.at,
    ...(row.error ? { error: row.error.split('\n')[0].slice(0, MAX_ERROR_LENGTH) } : {}),
  }));
}

/**
 * The latest run of `skill` that delivered (succeeded, or degraded: its failed parts are listed
 * among the overnight jobs) and ended after `since`, with the `summary` and any
 * string `highlights` of its result JSON; undefined when it did not run.
 */
export function latestSkillSnapshot(db: Store, skill: string, since: Date): SkillSnapshot | undefined {
  const row = db
    .prepare(
      `SELECT job, ended_at, result FROM job_runs WHERE skill = ? AND status IN ('succeeded', 'degraded') AND ended_at >= ?
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

/** Runs that failed, timed out, were interrupted, skipped or missed since `since`, newest first. */
export function jobProblemsSince(db: Store, since: Date): JobProblem[] {
  return jobOutcomesSince(db, since, undefined, true);
}

/** The newest research digest created after `since`; undefined when none. */
export function latestResearchDigest(db: Store, since: Date): ResearchReport | undefined {
  const row = db
    .prepare(`SELECT job, created_at, title, summary, items FROM research_digests WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 1`)
    .get(since.toISOString()) as { job: string; created_at: string; title: string; summary: string; items: string } | undefined;
  if (!row) return undefined;
  let items: { title: string; source?: string; link?: string }[] = [];
  try {
    const parsed = JSON.parse(row.items) as unknown;
    if (Array.isArray(parsed)) {
      items = parsed
        .filter((item): item is { title: string; source?: unknown; link?: unknown } => typeof item === 'object' && item !== null && typeof (item as { title?: unknown }).title === 'string')
        .slice(0, MAX_HIGHLIGHTS)
        .map((item) => ({ title: item.title, ...(typeof item.source === 'string' ? { source: item.source } : {}), ...(typeof item.link === 'string' ? { link: item.link } : {}) }));
    }
  } catch {
    items = [];
  }
  return { job: row.job, createdAt: row.created_at, title: row.title, summary: row.summary, items };
}

/** The last completed weekday session before `day` (YYYY-MM-DD): Friday for a Monday. Market holidays are not known. */
export function lastSessionBefore(day: string): string {
  let candidate = addDays(day, -1);
  for (;;) {
    const weekday = new Date(`${candidate}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return candidate;
    candidate = addDays(candidate, -1);
  }
}

/** The latest market run's figures, each with its data date and marked stale when older than the last session. */
export function latestMarketReport(db: Store, since: Date, today: string): MarketReport | undefined {
  const snapshot = latestSkillSnapshot(db, 'market', since);
  if (!snapshot) return undefined;
  const row = db
    .prepare(`SELECT result FROM job_runs WHERE skill = 'market' AND status IN ('succeeded', 'degraded') AND ended_at >= ? ORDER BY ended_at DESC LIMIT 1`)
    .get(since.toISOString()) as { result: string | null } | undefined;
  const details = (parseResult(row?.result ?? null).details ?? {}) as { figures?: unknown };
  const lastSession = lastSessionBefore(today);
  const figures: MarketFigure[] = Array.isArray(details.figures)
    ? details.figures
        .filter((item): item is { symbol: string; lastClose: number; lastDate: string; dailyReturn?: number } =>
          typeof item === 'object' && item !== null && typeof (item as { symbol?: unknown }).symbol === 'string' && typeof (item as { lastClose?: unknown }).lastClose === 'number' && typeof (item as { lastDate?: unknown }).lastDate === 'string',
        )
        .map((item) => ({
          symbol: item.symbol,
          close: item.lastClose,
          dataDate: item.lastDate.slice(0, 10),
          ...(typeof item.dailyReturn === 'number' ? { dailyReturn: item.dailyReturn } : {}),
          stale: item.lastDate.slice(0, 10) < lastSession,
        }))
    : [];
  return { snapshot, figures, lastSession };
}

/** True when any call of run `runId` was answered by the simulator. */
export function runUsedSimulator(db: Store, runId: number): boolean {
  return db.prepare('SELECT 1 FROM calls WHERE run_id = ? AND simulated = 1 LIMIT 1').get(runId) !== undefined;
}
