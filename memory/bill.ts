/**
 * The bill: what a day or a month of calls cost, by tier, job and model, against what the
 * same tokens would have cost on the flagship model. Reads only the `call_totals` rollup
 * (one row per day, tier, job, model, provider and simulated flag), never the ledger itself.
 */
import { budgetEventsFor, type BudgetEventSummary } from './budget-events.ts';
import type { CallUsage } from './ledger.ts';
import type { Store } from './store.ts';

export interface BillPeriod {
  period: 'day' | 'month';
  /** YYYY-MM-DD for a day; YYYY-MM (or any date in the month) for a month. */
  date: string;
}

/** What the rollup sums for any grouping: counts, tokens and money. */
export interface CallTotals extends CallUsage {
  calls: number;
  failedCalls: number;
  costUsd: number;
  flagshipCostUsd: number;
  cacheSavingsUsd: number;
}

export interface BillLine extends CallTotals {
  /** Tier, job (`(ad hoc)` for calls outside a job), model id, or `total`. */
  key: string;
}

export interface Bill {
  period: 'day' | 'month';
  /** The day or month billed (YYYY-MM-DD or YYYY-MM). */
  label: string;
  totals: BillLine;
  /** Each sorted by cost, highest first. */
  byTier: BillLine[];
  byJob: BillLine[];
  /** Keyed by model id; `provider` says where it ran. */
  byModel: Array<BillLine & { provider: string }>;
  savings: {
    routedCostUsd: number;
    flagshipCostUsd: number;
    /** flagship / routed; null when nothing was spent. */
    ratio: number | null;
    /** 100 * (1 - routed / flagship); null when the flagship figure is 0. */
    percentSaved: number | null;
  };
  /** What prompt caching saved: cache reads at the uncached price, minus the cache-write premium. */
  cacheSavingsUsd: number;
  includesSimulated: boolean;
  simulatedCalls: number;
  /** Budget caps that acted in the period: calls downgraded a tier, or deferred. */
  budgetEvents: BudgetEventSummary;
  /** The routed cost against each baseline asked for, priced at bill time; empty when none was. */
  baselines: BaselineComparison[];
}

/**
 * A counterfactual: every call of the period on one model. `costOf` prices a day's token
 * counts at that model's price in force on that day (the caller owns pricing: memory/ does not).
 */
export interface Baseline {
  /** Which baseline this is: all on the flagship, all on the execution tier's first model, or one the user named. */
  role: 'flagship' | 'execution' | 'named';
  /** The model's id, from the same catalogue entry as its price. */
  model: string;
  costOf(usage: CallUsage, day: string): number;
}

/** Where routing cost more than the baseline would have: what the premium bought. */
export interface PremiumLine {
  tier: string;
  job: string;
  calls: number;
  routedCostUsd: number;
  baselineCostUsd: number;
}

export interface BaselineComparison {
  role: Baseline['role'];
  model: string;
  routedCostUsd: number;
  baselineCostUsd: number;
  /** baseline - routed: positive when routing saved money, negative when it cost more. */
  savedUsd: number;
  /** 100 * savedUsd / baseline; null when the baseline is 0. */
  percentSaved: number | null;
  /** Tier and job groups that cost more routed than on this model, largest premium first. */
  premium: PremiumLine[];
}

export const AD_HOC_JOB = '(ad hoc)';

interface TotalsRow extends CallTotals {
  tier: string;
  job: string;
  model: string;
  provider: string;
  simulated: number;
}

const SUMS = `SUM(calls) AS calls, SUM(failed_calls) AS failedCalls, SUM(input_tokens) AS inputTokens,
  SUM(cached_input_tokens) AS cachedInputTokens, SUM(cache_write_tokens) AS cacheWriteTokens,
  SUM(output_tokens) AS outputTokens, SUM(reasoning_tokens) AS reasoningTokens, SUM(cost_usd) AS costUsd,
  SUM(flagship_cost_usd) AS flagshipCostUsd, SUM(cache_savings_usd) AS cacheSavingsUsd`;

function emptyLine(key: string): BillLine {
  return {
    key,
    calls: 0,
    failedCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    flagshipCostUsd: 0,
    cacheSavingsUsd: 0,
  };
}

function add(line: BillLine, row: TotalsRow): void {
  line.calls += row.calls;
  line.failedCalls += row.failedCalls;
  line.inputTokens += row.inputTokens;
  line.cachedInputTokens += row.cachedInputTokens;
  line.cacheWriteTokens += row.cacheWriteTokens;
  line.outputTokens += row.outputTokens;
  line.reasoningTokens += row.reasoningTokens;
  line.costUsd += row.costUsd;
  line.flagshipCostUsd += row.flagshipCostUsd;
  line.cacheSavingsUsd += row.cacheSavingsUsd;
}

function byCost<T extends BillLine>(lines: Iterable<T>): T[] {
  return [...lines].sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
}

/** Normalises the billed period; throws an Error naming the expected shape on a bad date. */
export function billLabel(period: BillPeriod): string {
  if (period.period === 'day') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(period.date)) throw new Error(`a day is YYYY-MM-DD, got ${JSON.stringify(period.date)}`);
    return period.date;
  }
  if (!/^\d{4}-\d{2}(-\d{2})?$/.test(period.date)) throw new Error(`a month is YYYY-MM, got ${JSON.stringify(period.date)}`);
  return period.date.slice(0, 7);
}

/** Routed cost against each baseline, from the rollup rows' token counts and each row's day. */
function compareBaselines(rows: Array<TotalsRow & { day: string }>, baselines: readonly Baseline[]): BaselineComparison[] {
  return baselines.map((baseline) => {
    const groups = new Map<string, PremiumLine>();
    let routed = 0;
    let counterfactual = 0;
    for (const row of rows) {
      const cost = baseline.costOf(row, row.day);
      routed += row.costUsd;
      counterfactual += cost;
      const job = row.job === '' ? AD_HOC_JOB : row.job;
      const key = `${row.tier}\u0000${job}`;
      const group = groups.get(key) ?? { tier: row.tier, job, calls: 0, routedCostUsd: 0, baselineCostUsd: 0 };
      group.calls += row.calls;
      group.routedCostUsd += row.costUsd;
      group.baselineCostUsd += cost;
      groups.set(key, group);
    }
    const premium = [...groups.values()]
      .filter((group) => group.routedCostUsd > group.baselineCostUsd + 1e-12)
      .sort((a, b) => b.routedCostUsd - b.baselineCostUsd - (a.routedCostUsd - a.baselineCostUsd));
    return {
      role: baseline.role,
      model: baseline.model,
      routedCostUsd: routed,
      baselineCostUsd: counterfactual,
      savedUsd: counterfactual - routed,
      percentSaved: counterfactual > 0 ? (100 * (counterfactual - routed)) / counterfactual : null,
      premium,
    };
  });
}

/**
 * The bill of one UTC day or month. An empty period gives zero totals and empty breakdowns.
 * Each of `baselines` is priced at bill time from the rollup's token counts, day by day.
 */
export function billFor(db: Store, period: BillPeriod, baselines: readonly Baseline[] = []): Bill {
  const label = billLabel(period);
  const column = period.period === 'day' ? 'day' : 'month';
  const byDay =
    baselines.length === 0
      ? []
      : (db.prepare(`SELECT day, tier, job, model, provider, simulated, ${SUMS} FROM call_totals WHERE ${column} = ? GROUP BY day, tier, job, model, provider, simulated`).all(label) as Array<
          TotalsRow & { day: string }
        >);
  const rows = db
    .prepare(
      `SELECT tier, job, model, provider, simulated, ${SUMS} FROM call_totals WHERE ${column} = ?
       GROUP BY tier, job, model, provider, simulated`,
    )
    .all(label) as TotalsRow[];

  const totals = emptyLine('total');
  const tiers = new Map<string, BillLine>();
  const jobs = new Map<string, BillLine>();
  const modelLines = new Map<string, BillLine & { provider: string }>();
  let simulatedCalls = 0;
  for (const row of rows) {
    add(totals, row);
    const job = row.job === '' ? AD_HOC_JOB : row.job;
    if (!tiers.has(row.tier)) tiers.set(row.tier, emptyLine(row.tier));
    add(tiers.get(row.tier)!, row);
    if (!jobs.has(job)) jobs.set(job, emptyLine(job));
    add(jobs.get(job)!, row);
    if (!modelLines.has(row.model)) modelLines.set(row.model, { ...emptyLine(row.model), provider: row.provider });
    add(modelLines.get(row.model)!, row);
    if (row.simulated === 1) simulatedCalls += row.calls;
  }
  return {
    period: period.period,
    label,
    totals,
    byTier: byCost(tiers.values()),
    byJob: byCost(jobs.values()),
    byModel: byCost(modelLines.values()),
    savings: {
      routedCostUsd: totals.costUsd,
      flagshipCostUsd: totals.flagshipCostUsd,
      ratio: totals.costUsd > 0 ? totals.flagshipCostUsd / totals.costUsd : null,
      percentSaved: totals.flagshipCostUsd > 0 ? 100 * (1 - totals.costUsd / totals.flagshipCostUsd) : null,
    },
    cacheSavingsUsd: totals.cacheSavingsUsd,
    includesSimulated: simulatedCalls > 0,
    simulatedCalls,
    budgetEvents: budgetEventsFor(db, period.period === 'day' ? { day: label } : { month: label }),
    baselines: compareBaselines(byDay, baselines),
  };
}
