/**
 * One market report: prices from the configured source (or the cache when it fails), figures
 * computed in code, a short snapshot from the orchestration tier and a deeper analysis from
 * the reasoning tier, both given only the figures and the user's notes, and every number in
 * their text checked against the figures.
 */
import type { Logger } from 'pino';
import { lastFetchedAt, loadBars, saveBars, type PriceBar } from '../../memory/market-cache.ts';
import type { Store } from '../../memory/store.ts';
import type { CallOrigin, ModelRouter, RoutedResponse } from '../../contracts/router.ts';
import type { Message, Tier } from '../../contracts/types.ts';
import { computeCorrelations, computeSymbolFigures, renderFigures, type CorrelationFigures, type SymbolFigures } from './figures.ts';
import { flagUnsourcedNumbers, type FlaggedNumber } from './number-check.ts';
import { PriceDataError } from './ohlcv-csv.ts';
import { fetchBars, type PriceSource } from './price-sources.ts';

export interface WatchItem {
  symbol: string;
  name?: string;
  /** A CSV file for this symbol, instead of the common source. */
  file?: string;
}

export interface MarketRequest {
  watchlist: WatchItem[];
  source?: PriceSource;
  notes?: string;
  deepAnalysis: boolean;
  correlationWindow: number;
  /** Paying for the snapshot. */
  origin?: CallOrigin;
  /** Paying for the deep analysis: its job name selects its own budget. */
  analysisOrigin?: CallOrigin;
}

export interface MarketDeps {
  router?: ModelRouter;
  db: Store;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  logger?: Logger;
}

export interface DataNote {
  symbol: string;
  source: 'fresh' | 'cache' | 'none';
  message?: string;
  /** When the cached data was fetched, for `source: 'cache'`. */
  fetchedAt?: string;
  ageHours?: number;
}

export interface ModelSection {
  status: 'done' | 'downgraded' | 'deferred' | 'failed' | 'skipped';
  text?: string;
  model?: string;
  tier?: Tier;
  downgradedFrom?: Tier;
  reason?: string;
  /** For `failed`: the router's error kind when it gave one. */
  errorKind?: string;
  costUsd: number;
  flagged: FlaggedNumber[];
}

export interface MarketReport {
  generatedAt: string;
  figures: SymbolFigures[];
  correlations?: CorrelationFigures;
  figuresText: string;
  dataNotes: DataNote[];
  snapshot: ModelSection;
  analysis: ModelSection;
  costUsd: number;
  /** The whole report as text: figures beside the models' words. */
  text: string;
}

/** Hours or days, rounded, for "fetched 3 days ago". */
export function describeAge(hours: number): string {
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return `${Math.round(hours)} hour${Math.round(hours) === 1 ? '' : 's'}`;
  return `${Math.round(hours / 24)} days`;
}

/** True when `error` (or an attempt it carries) is the router's budget refusal. */
export function isBudgetExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { kind?: unknown; errorKind?: unknown; errors?: unknown; attempts?: unknown; cause?: unknown };
  if (candidate.kind === 'budget_exceeded' || candidate.errorKind === 'budget_exceeded') return true;
  for (const list of [candidate.errors, candidate.attempts]) {
    if (Array.isArray(list) && list.some((item) => isBudgetExceeded(item))) return true;
  }
  return candidate.cause !== undefined && candidate.cause !== error && isBudgetExceeded(candidate.cause);
}

async function loadSeries(deps: MarketDeps, request: MarketRequest, item: WatchItem, now: Date, signal?: AbortSignal): Promise<{ bars: PriceBar[]; note: DataNote }> {
  const source: PriceSource | undefined = item.file ? { type: 'csv-file', path: item.file } : request.source;
  let problem: string;
  if (!source) {
    problem = `no price source: set skills.market.source or a file for ${item.symbol} in the watchlist`;
  } else {
    try {
      const fresh = await fetchBars(source, item.symbol, deps, signal);
      saveBars(deps.db, item.symbol, fresh, now);
      return { bars: loadBars(deps.db, item.symbol), note: { symbol: item.symbol, source: 'fresh' } };
    } catch (error) {
      if (!(error instanceof PriceDataError)) throw error;
      problem = error.message;
    }
  }
  const cached = loadBars(deps.db, item.symbol);
  const fetchedAt = lastFetchedAt(deps.db, item.symbol);
  deps.logger?.warn({ event: 'market-source-failed', symbol: item.symbol, problem, cached: cached.length }, 'market source failed');
  if (cached.length === 0 || !fetchedAt) {
    return { bars: [], note: { symbol: item.symbol, source: 'none', message: `${problem}; no cached data` } };
  }
  const ageHours = (now.getTime() - fetchedAt.getTime()) / 3_600_000;
  return {
    bars: cached,
    note: {
      symbol: item.symbol,
      source: 'cache',
      fetchedAt: fetchedAt.toISOString(),
      ageHours,
      message: `${problem}; using cached data fetched ${describeAge(ageHours)} ago (last bar ${cached[cached.length - 1].date})`,
    },
  };
}

const SNAPSHOT_SYSTEM =
  'You write the market lines of a personal morning briefing: at most four short lines. Use ONLY the figures ' +
  'and notes given. Do not invent figures, prices, dates, news or events; when you mention a number, copy it ' +
  'exactly as written in the figures. No investment advice.';

const ANALYSIS_SYSTEM =
  'You are a careful markets analyst writing for one reader. From ONLY the figures and notes given, discuss: ' +
  'what the figures show (trend, momentum, volatility, drawdowns, how the items move together); plausible macro ' +
  'drivers, named as hypotheses to check, not facts; the main risks; and what to watch next. Do not invent ' +
  'figures, prices, dates, news or events: every number you write must be copied from the figures or the notes. ' +
  'Say where the figures cannot answer a question. No investment advice.';

function userMessage(figuresText: string, notes: string | undefined, dataNotes: DataNote[]): string {
  const staleness = dataNotes.filter((note) => note.message).map((note) => `- ${note.symbol}: ${note.message}`);
  return [
    `Figures (computed in code; percentages are returns unless labelled):\n${figuresText}`,
    staleness.length ? `Data caveats:\n${staleness.join('\n')}` : '',
    notes?.trim() ? `The reader's notes:\n${notes.trim()}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

async function askModel(
  router: ModelRouter,
  kind: 'summarise' | 'analysis',
  messages: Message[],
  maxOutputTokens: number,
  origin: CallOrigin | undefined,
  figures: number[],
  allowedText: string,
  signal?: AbortSignal,
): Promise<ModelSection> {
  let response: RoutedResponse;
  try {
    response = await router.complete({ task: { kind }, request: { messages, maxOutputTokens }, origin }, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    if (isBudgetExceeded(error)) return { status: 'deferred', reason: 'the budget cap for this job or tier is reached', costUsd: 0, flagged: [] };
    const kind = (error as { kind?: unknown } | null)?.kind;
    return { status: 'failed', reason: (error as Error).message, ...(typeof kind === 'string' ? { errorKind: kind } : {}), costUsd: 0, flagged: [] };
  }
  const text = response.text.trim();
  return {
    status: response.downgradedFrom ? 'downgraded' : 'done',
    text,
    model: response.modelId,
    tier: response.decision.tier,
    ...(response.downgradedFrom ? { downgradedFrom: response.downgradedFrom } : {}),
    costUsd: response.costUsd,
    flagged: flagUnsourcedNumbers(text, figures, allowedText),
  };
}

function figureValues(items: SymbolFigures[], correlations: CorrelationFigures | undefined): number[] {
  const values: number[] = [];
  for (const item of items) for (const value of Object.values(item)) if (typeof value === 'number') values.push(value);
  for (const row of correlations?.matrix ?? []) for (const value of row) if (value !== undefined) values.push(value);
  return values;
}

function renderSection(title: string, section: ModelSection): string {
  const by = section.model ? ` (${section.model}, ${section.tier} tier)` : '';
  switch (section.status) {
    case 'skipped':
      return '';
    case 'deferred':
      return `${title}: deferred, ${section.reason}.`;
    case 'failed':
      return `${title}: unavailable (${section.reason}).`;
    case 'done':
    case 'downgraded': {
      const downgrade = section.downgradedFrom ? `\n[Downgraded from the ${section.downgradedFrom} tier to ${section.tier} by a budget cap.]` : '';
      const flags = section.flagged.length
        ? `\n[Numbers not found in the figures, check before relying on them: ${section.flagged.map((flag) => flag.text).join(', ')}]`
        : '';
      return `${title}${by}:${downgrade}\n${section.text}${flags}`;
    }
  }
}

/**
 * Builds the report. Source failures degrade to cached data (the note says how old); a model
 * failure or budget refusal leaves the figures and says so. Throws only on abort or a
 * watchlist with no data at all.
 */
export async function runMarketReport(deps: MarketDeps, request: MarketRequest, signal?: AbortSignal): Promise<MarketReport> {
  const now = deps.now?.() ?? new Date();
  const loaded: { item: WatchItem; bars: PriceBar[] }[] = [];
  const dataNotes: DataNote[] = [];
  for (const item of request.watchlist) {
    const { bars, note } = await loadSeries(deps, request, item, now, signal);
    dataNotes.push(note);
    if (bars.length > 0) loaded.push({ item, bars });
  }
  if (loaded.length === 0) {
    throw new PriceDataError(`no price data for any watchlist symbol: ${dataNotes.map((note) => `${note.symbol}: ${note.message}`).join('; ')}`);
  }
  const figures = loaded.map(({ item, bars }) => computeSymbolFigures(item.symbol, bars, item.name));
  const correlations = computeCorrelations(
    loaded.map(({ item, bars }) => ({ symbol: item.symbol, bars })),
    request.correlationWindow,
  );
  const figuresText = renderFigures(figures, correlations);
  const values = figureValues(figures, correlations);
  const prompt = userMessage(figuresText, request.notes, dataNotes);
  const allowedText = `${request.notes ?? ''}\n${figures.map((item) => `${item.lastDate} ${item.ytdBaseDate ?? ''}`).join(' ')}`;
  const skipped: ModelSection = { status: 'skipped', costUsd: 0, flagged: [] };
  let snapshot = skipped;
  let analysis = skipped;
  if (deps.router) {
    snapshot = await askModel(deps.router, 'summarise', [{ role: 'system', content: SNAPSHOT_SYSTEM }, { role: 'user', content: prompt }], 400, request.origin, values, allowedText, signal);
    if (request.deepAnalysis) {
      analysis = await askModel(
        deps.router,
        'analysis',
        [{ role: 'system', content: ANALYSIS_SYSTEM }, { role: 'user', content: prompt }],
        2_000,
        request.analysisOrigin ?? request.origin,
        values,
        allowedText,
        signal,
      );
    }
  }
  const caveats = dataNotes.filter((note) => note.message).map((note) => `- ${note.symbol}: ${note.message}`);
  const text = [
    `Market report, ${now.toISOString().slice(0, 10)}`,
    caveats.length ? `Data caveats:\n${caveats.join('\n')}` : '',
    `Figures (computed in code from daily closes):\n${figuresText}`,
    renderSection('Snapshot', snapshot),
    renderSection('Analysis', analysis),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    generatedAt: now.toISOString(),
    figures,
    ...(correlations ? { correlations } : {}),
    figuresText,
    dataNotes,
    snapshot,
    analysis,
    costUsd: snapshot.costUsd + analysis.costUsd,
    text,
  };
}
