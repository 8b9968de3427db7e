/**
 * The bill: what a day or a month of calls cost, by tier, job and model, against what the
 * same tokens would have cost on each baseline model. Days and months are the ledger's (the
 * owner's time zone, memory/ledger-days.ts). Totals and baselines read the `call_totals` rollup
 * (one row per day, tier, job, model, provider and simulated flag); the escalation lines read
 * the few ledger rows of checked steps (an index of them).
 */
import { budgetEventsFor, type BudgetEventSummary } from './budget-events.ts';
import { ledgerTimeZone } from './ledger-days.ts';
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
  /** The day or month billed (YYYY-MM-DD or YYYY-MM), in `timeZone`. */
  label: string;
  /** The IANA zone whose calendar the ledger counts days in. */
  timeZone: string;
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
  /** The prompt-caching line with the token counts it comes from (the sum of the rows' `cache_savings_usd`). */
  promptCaching: PromptCachingLine;
  /** Checked steps: answers that passed on their tier (escalations avoided) and re-runs a tier up (escalations made). */
  escalations: EscalationLines;
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

export interface PromptCachingLine {
  /** Sum of the ledger rows' `cache_savings_usd`: each row's cached input at its model's uncached input price minus
   * the cached price, minus its cache writes' premium over the uncached price, at the price in force that day. */
  savedUsd: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
}

/**
 * Outcome-driven escalation (a skill checks an answer and re-runs the step one tier up when the
 * check fails), from the ledger's `checked` and `escalated_from_call` columns:
 * - avoided: answers of checked steps (outcome ok, not themselves a re-run) that no row escalates
 *   from, on a tier that has a tier above. Their counterfactual is the same usage on the first
 *   model of the tier above, priced at bill time; `savedUsd` is that minus what they cost.
 * - made: steps re-run a tier up; `failedAnswersCostUsd` is what the answers that failed their
 *   check cost (spent for nothing), `reRunCostUsd` what the re-runs' attempts cost.
 */
export interface EscalationLines {
  avoided: { steps: number; routedCostUsd: number; tierAboveCostUsd: number; savedUsd: number };
  made: { steps: number; failedAnswersCostUsd: number; reRunCostUsd: number };
  /** False when no pricer for the tier above was given: `tierAboveCostUsd` and `savedUsd` are 0, not measured. */
  priced: boolean;
}

/** The first model of the tier above `tier`, as a baseline; undefined at the top. Supplied by the caller (config). */
export type TierAbovePricer = (tier: string) => Baseline | undefined;

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

/** Token counts and routed cost of one group of calls (a tier and job on a day), as `compareBaselines` reads them. */
export interface UsageGroup extends CallUsage {
  day: string;
  tier: string;
  /** '' for ad-hoc calls. */
  job: string;
  calls: number;
  costUsd: number;
}

/**
 * The ledger's calls grouped by UTC date (the date prices are dated by), tier and job, with
 * their token counts and cost: what `compareBaselines` prices. All calls, those of one day of the
 * ledger's calendar (by index), or those started in `[start, end)` (a scan). Empty when none.
 */
export function usageGroups(db: Store, range?: { day: string } | { start: Date; end: Date }): UsageGroup[] {
  const where = range === undefined ? '' : 'day' in range ? 'WHERE day = ?' : 'WHERE started_at >= ? AND started_at < ?';
  const parameters = range === undefined ? [] : 'day' in range ? [range.day] : [range.start.toISOString(), range.end.toISOString()];
  return db
    .prepare(
      `SELECT substr(started_at, 1, 10) AS day, tier, COALESCE(job, '') AS job, COUNT(*) AS calls, SUM(cost_usd) AS costUsd,
         SUM(input_tokens) AS inputTokens, SUM(cached_input_tokens) AS cachedInputTokens, SUM(cache_write_tokens) AS cacheWriteTokens,
         SUM(output_tokens) AS outputTokens, SUM(reasoning_tokens) AS reasoningTokens
       FROM calls ${where} GROUP BY 1, tier, COALESCE(job, '')`,
    )
    .all(...parameters) as UsageGroup[];
}

/** Routed cost against each baseline, from groups' token counts, each priced on its day; empty without baselines. */
export function compareBaselines(rows: readonly UsageGroup[], baselines: readonly Baseline[]): BaselineComparison[] {
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

/** The day range (inclusive) a period covers, for queries on the `day` column. */
function dayRange(period: 'day' | 'month', label: string): [string, string] {
  return period === 'day' ? [label, label] : [`${label}-01`, `${label}-31`];
}

interface CheckedAnswerRow extends CallUsage {
  day: string;
  tier: string;
  costUsd: number;
}

/** The escalation lines of `[from, to]` (days, inclusive); see `EscalationLines`. */
export function escalationLines(db: Store, [from, to]: [string, string], tierAbove?: TierAbovePricer): EscalationLines {
  const answers = db
    .prepare(
      `SELECT c.day, c.tier, c.input_tokens AS inputTokens, c.cached_input_tokens AS cachedInputTokens,
         c.cache_write_tokens AS cacheWriteTokens, c.output_tokens AS outputTokens, c.reasoning_tokens AS reasoningTokens,
         c.cost_usd AS costUsd
       FROM calls c
       -- The first term is the partial index's own predicate (calls_checked), so SQLite uses it.
       WHERE c.day BETWEEN ? AND ? AND (c.checked = 1 OR c.escalated_from_call IS NOT NULL)
         AND c.checked = 1 AND c.outcome = 'ok' AND c.escalated_from_call IS NULL
         AND NOT EXISTS (SELECT 1 FROM calls e WHERE e.escalated_from_call = c.id)`,
    )
    .all(from, to) as CheckedAnswerRow[];
  const avoided = { steps: 0, routedCostUsd: 0, tierAboveCostUsd: 0, savedUsd: 0 };
  for (const answer of answers) {
    const above = tierAbove?.(answer.tier);
    if (tierAbove && !above) continue;
    avoided.steps++;
    avoided.routedCostUsd += answer.costUsd;
    if (above) avoided.tierAboveCostUsd += above.costOf(answer, answer.day);
  }
  avoided.savedUsd = tierAbove ? avoided.tierAboveCostUsd - avoided.routedCostUsd : 0;
  const made = db
    .prepare(
      `SELECT COUNT(DISTINCT e.escalated_from_call) AS steps, COALESCE(SUM(e.cost_usd), 0) AS reRunCostUsd,
         COALESCE((SELECT SUM(f.cost_usd) FROM calls f WHERE f.id IN
           (SELECT escalated_from_call FROM calls WHERE day BETWEEN ? AND ? AND (checked = 1 OR escalated_from_call IS NOT NULL) AND escalated_from_call IS NOT NULL)), 0) AS failedAnswersCostUsd
       FROM calls e WHERE e.day BETWEEN ? AND ? AND (e.checked = 1 OR e.escalated_from_call IS NOT NULL) AND e.escalated_from_call IS NOT NULL`,
    )
    .get(from, to, from, to) as EscalationLines['made'];
  return { avoided, made, priced: tierAbove !== undefined };
}

/**
 * The bill of one day or month of the ledger's calendar. An empty period gives zero totals and
 * empty breakdowns. Each of `baselines` is priced at bill time from the rollup's token counts,
 * day by day; `tierAbove` prices the escalations avoided.
 */
export function billFor(db: Store, period: BillPeriod, baselines: readonly Baseline[] = [], options: { tierAbove?: TierAbovePricer } = {}): Bill {
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
  const caching = db
    .prepare(
      `SELECT COALESCE(SUM(cache_savings_usd), 0) AS savedUsd, COALESCE(SUM(cached_input_tokens), 0) AS cachedInputTokens,
         COALESCE(SUM(cache_write_tokens), 0) AS cacheWriteTokens
       FROM call_totals WHERE ${column} = ?`,
    )
    .get(label) as PromptCachingLine;
  return {
    period: period.period,
    label,
    timeZone: ledgerTimeZone(db),
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
    promptCaching: caching,
    escalations: escalationLines(db, dayRange(period.period, label), options.tierAbove),
    includesSimulated: simulatedCalls > 0,
    simulatedCalls,
    budgetEvents: budgetEventsFor(db, period.period === 'day' ? { day: label } : { month: label }),
    baselines: compareBaselines(byDay, baselines),
  };
}
