/**
 * The `market` skill: a watchlist report for the briefing. Reads its job options merged over
 * the `skills.market` settings.
 */
import { z } from 'zod';
import { assertKnownOptionKeys } from '../option-keys.ts';
import { parseDuration } from '../../config/schema.ts';
import type { Skill, SkillContext, SkillProblem, SkillResult } from '../types.ts';
import { aProblem, withProblems } from '../problems.ts';
import type { PriceSource } from './price-sources.ts';
import { describeAge, runMarketReport, type MarketReport, type MarketRequest } from './run-market-report.ts';

export { runMarketReport, describeAge, isBudgetExceeded } from './run-market-report.ts';
export type { MarketReport, MarketRequest, MarketDeps, WatchItem, DataNote, ModelSection } from './run-market-report.ts';
export type { PriceSource } from './price-sources.ts';

export interface MarketSkillDeps {
  /** `skills.market` from config. */
  settings?: Record<string, unknown>;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

const duration = z.union([z.number().int().positive(), z.string()]).transform((value, context) => {
  try {
    return parseDuration(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const sourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('csv-file'), path: z.string().min(1).describe('Path template with {symbol}') }),
  z.strictObject({
    type: z.literal('http'),
    url: z.string().regex(/^https?:\/\//, 'an http(s) URL template with {symbol}'),
    format: z.enum(['csv', 'alphavantage']).default('csv'),
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').optional(),
    timeout: duration.default(15_000),
    maxBytes: z.number().int().positive().default(5_000_000),
  }),
]);

const optionsSchema = z.object({
  watchlist: z
    .array(z.union([z.string().min(1), z.strictObject({ symbol: z.string().min(1), name: z.string().optional(), file: z.string().optional() })]))
    .min(1),
  source: sourceSchema.optional(),
  notes: z.string().optional(),
  deepAnalysis: z.boolean().default(true),
  correlationWindow: z.number().int().min(5).default(60),
  analysisJob: z.string().min(1).optional(),
});

/** Job options over skill settings, as a request. Throws an Error naming the key path on bad input. */
export function marketRequestFromOptions(options: Record<string, unknown>, settings: Record<string, unknown>, job: string): MarketRequest {
  assertKnownOptionKeys(options, Object.keys(optionsSchema.shape), job, 'market');
  const parsed = optionsSchema.safeParse({ ...settings, ...options });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`market options (jobs.${job}.options / skills.market): ${problems.join('; ')}`);
  }
  const value = parsed.data;
  let source: PriceSource | undefined;
  if (value.source?.type === 'http') {
    const { timeout, ...rest } = value.source;
    source = { ...rest, timeoutMs: timeout };
  } else if (value.source) {
    source = value.source;
  }
  return {
    watchlist: value.watchlist.map((item) => (typeof item === 'string' ? { symbol: item } : item)),
    source,
    notes: value.notes,
    deepAnalysis: value.deepAnalysis,
    correlationWindow: value.correlationWindow,
    origin: { job },
    analysisOrigin: { job: value.analysisJob ?? job },
  };
}

/** One line for `runs` and the briefing. */
export function summariseReport(report: MarketReport): string {
  const firstLine = report.snapshot.text?.split('\n').find((line) => line.trim())?.trim();
  const stale = report.dataNotes.filter((note) => note.source !== 'fresh').length;
  const lead = firstLine ?? `${report.figures.length} symbols, figures only`;
  const extra = [stale ? `${stale} symbol(s) from cache or missing` : '', report.analysis.status === 'deferred' ? 'deep analysis deferred (budget)' : '', report.analysis.status === 'downgraded' ? `deep analysis downgraded to ${report.analysis.tier}` : '']
    .filter(Boolean)
    .join('; ');
  return extra ? `${lead} (${extra})` : lead;
}

const MAX_HIGHLIGHTS = 5;

/**
 * A few short lines for the briefing, computed in code from the figures (never from model
 * text): the biggest moves of the day first, each with its close and week, and which
 * symbols came from the cache or had no data. Empty when there are no figures or notes.
 */
export function marketHighlights(report: MarketReport): string[] {
  const notes = new Map(report.dataNotes.map((note) => [note.symbol, note]));
  const moves = [...report.figures]
    .sort((a, b) => Math.abs(b.dailyReturn ?? -1) - Math.abs(a.dailyReturn ?? -1))
    .map((item) => {
      const changes = [
        item.dailyReturn === undefined ? '' : `${signedPercent(item.dailyReturn)} on the day`,
        item.weeklyReturn === undefined ? '' : `${signedPercent(item.weeklyReturn)} on the week`,
      ].filter(Boolean);
      const note = notes.get(item.symbol);
      const cached = note?.source === 'cache' && note.ageHours !== undefined ? ` (cached, ${describeAge(note.ageHours)} old)` : '';
      return `${item.symbol} ${item.lastClose.toFixed(2)}${changes.length ? ` ${changes.join(', ')}` : ''}${cached}`;
    });
  const missing = report.dataNotes.filter((note) => note.source === 'none').map((note) => `${note.symbol}: no price data`);
  return [...moves, ...missing].slice(0, MAX_HIGHLIGHTS);
}

/**
 * The parts of a report that failed: each symbol whose prices could not be fetched (`stale`
 * when the cache stood in, `unavailable` when nothing did), and each model section that failed
 * (its error kind) or was deferred by a budget cap. Empty for a complete report.
 */
export function reportProblems(report: MarketReport): SkillProblem[] {
  const problems = report.dataNotes
    .filter((note) => note.source !== 'fresh')
    .map((note) => aProblem(`symbol:${note.symbol}`, note.source === 'cache' ? 'stale' : 'unavailable', note.message ?? 'no price data'));
  for (const [part, section] of [['snapshot', report.snapshot], ['analysis', report.analysis]] as const) {
    if (section.status === 'failed') problems.push(aProblem(part, section.errorKind ?? 'error', section.reason ?? 'the model call failed'));
    if (section.status === 'deferred') problems.push(aProblem(part, 'budget_exceeded', section.reason ?? 'deferred by a budget cap'));
  }
  return problems;
}

function signedPercent(fraction: number): string {
  const text = (fraction * 100).toFixed(2);
  return `${fraction > 0 && text !== '0.00' ? '+' : ''}${text === '-0.00' ? '0.00' : text}%`;
}

export function createMarketSkill(deps: MarketSkillDeps = {}): Skill {
  return {
    name: 'market',
    checkOptions: (options, job) => void marketRequestFromOptions(options, deps.settings ?? {}, job),
    description: 'Watchlist figures computed in code, a snapshot for the briefing and a deeper analysis',
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const request = marketRequestFromOptions(context.options, deps.settings ?? {}, context.job);
      request.origin = { ...request.origin, runId: context.runId, skill: 'market' };
      request.analysisOrigin = { ...request.analysisOrigin, runId: context.runId, skill: 'market' };
      const report = await runMarketReport(
        { router: context.router, db: context.db, fetch: deps.fetch, env: deps.env, now: context.now, logger: context.logger },
        request,
        signal,
      );
      const { text, ...rest } = report;
      const result = { summary: summariseReport(report), details: { report: text, ...rest, highlights: marketHighlights(report) } };
      // At least one symbol has figures (else runMarketReport threw): the report stands, degraded by what is missing.
      return withProblems(result, reportProblems(report), report.figures.length);
    },
  };
}
