/**
 * Replays a day's trace through the whole stack — tier decision, router, real SDKs against
 * the simulator, ledger in a fresh temporary database — and reports the bill. The simulator
 * answers each call with exactly the trace line's usage, so the bill is the trace priced
 * under the config's routing policy. Also re-prices a recorded ledger under another config.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { compareBaselines, usageGroups, type Baseline, type BaselineComparison, type UsageGroup } from '../memory/bill.ts';
import { listCalls, type CallRow } from '../memory/ledger.ts';
import { openStore, type Store } from '../memory/store.ts';
import { calculateCost, priceOn } from './cost.ts';
import { setUpProviders } from './provider-setup.ts';
import { createRouter, type Router } from './router/router.ts';
import { createTierDecider, orchestratorTierQuestion, type TierDecider } from './router/tier-decider.ts';
import { formatUsageHeader, SIM_USAGE_HEADER } from './simulator/protocol.ts';
import { resolveModels } from './runtime.ts';
import type { ModelSpec, Tier, Usage } from '../contracts/types.ts';

export interface TraceLine {
  task: string;
  inputTokens: number;
  outputTokens: number;
}

export class TraceError extends Error {}

/** One JSONL line of a trace; undefined for a blank line. Throws `TraceError` naming `where`. */
function parseTraceLine(raw: string, where: string): TraceLine | undefined {
  if (raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new TraceError(`${where}: not valid JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TraceError(`${where}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  if (typeof record.task !== 'string' || record.task.trim() === '') throw new TraceError(`${where}: "task" must be a non-empty string`);
  for (const key of ['input_tokens', 'output_tokens'] as const) {
    const count = record[key];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new TraceError(`${where}: "${key}" must be a non-negative integer, found ${JSON.stringify(count)}`);
    }
  }
  return { task: record.task, inputTokens: record.input_tokens as number, outputTokens: record.output_tokens as number };
}

/** Parses JSONL; throws `TraceError` naming the file and line of the first bad one. Blank lines are skipped. */
export function parseTrace(text: string, file: string): TraceLine[] {
  const lines: TraceLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = parseTraceLine(raw, `${file}:${index + 1}`);
    if (line) lines.push(line);
  });
  if (lines.length === 0) throw new TraceError(`${file}: the trace has no lines`);
  return lines;
}

/**
 * Reads a JSONL trace file line by line, holding one line at a time: memory stays flat
 * however long the trace. Throws `TraceError` (file:line) at the first bad line, or when the
 * file has no lines; an unreadable file rejects with the file system's error.
 */
export async function* readTrace(path: string): AsyncGenerator<TraceLine> {
  const reader = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  let found = 0;
  for await (const raw of reader) {
    number++;
    const line = parseTraceLine(raw, `${path}:${number}`);
    if (!line) continue;
    found++;
    yield line;
  }
  if (found === 0) throw new TraceError(`${path}: the trace has no lines`);
}

export interface TierTotals {
  tasks: number;
  costUsd: number;
  flagshipCostUsd: number;
}

export interface ReplayReport {
  tasks: number;
  routedCostUsd: number;
  flagshipCostUsd: number;
  /** flagship ÷ routed: how many times cheaper the routed bill is (the bill's "ratio"). null when nothing was spent. */
  savingsRatio: number | null;
  savingsUsd: number;
  /** 100 × (1 − routed ÷ flagship). */
  percentSaved: number | null;
  flagship: string;
  byTier: Record<Tier, TierTotals>;
  /** The routed cost against each baseline (flagship, execution tier's first model, `--baseline`), priced like the bill. */
  baselines: BaselineComparison[];
  /** Each task's decision, in trace order; absent when they were handed to `onDecision` instead. */
  decisions?: ReplayDecision[];
  simulated: true;
}

export interface ReplayDecision {
  tier: Tier;
  model: string;
  reason: string;
  costUsd: number;
}

function emptyTiers(): Record<Tier, TierTotals> {
  return {
    orchestration: { tasks: 0, costUsd: 0, flagshipCostUsd: 0 },
    execution: { tasks: 0, costUsd: 0, flagshipCostUsd: 0 },
    reasoning: { tasks: 0, costUsd: 0, flagshipCostUsd: 0 },
    'large-context': { tasks: 0, costUsd: 0, flagshipCostUsd: 0 },
  };
}

function savings(routed: number, flagship: number) {
  return {
    savingsRatio: routed > 0 ? flagship / routed : null,
    savingsUsd: flagship - routed,
    percentSaved: flagship > 0 ? 100 * (1 - routed / flagship) : null,
  };
}

/**
 * Runs every trace line through the router against the simulator (always, whatever keys are
 * set: a replay never spends money). Budgets are not applied: the replay prices a policy,
 * it does not enforce this month's caps. With `onDecision`, each task's decision is handed
 * over as it is made and not kept, so a streamed trace (`readTrace`) replays in flat memory.
 */
export async function replayTrace(
  config: Config,
  lines: Iterable<TraceLine> | AsyncIterable<TraceLine>,
  options: { signal?: AbortSignal; onDecision?: (decision: ReplayDecision) => void; baselines?: readonly Baseline[] } = {},
): Promise<ReplayReport> {
  const replayConfig: Config = {
    ...config,
    simulator: { ...config.simulator, mode: 'always', port: 0 },
    budgets: { ...config.budgets, daily: { tiers: {}, jobs: {} }, monthly: { tiers: {}, jobs: {} } },
    jobs: {},
  };
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-replay-'));
  const db = openStore(join(directory, 'replay.db'));
  const setup = await setUpProviders(replayConfig);
  try {
    let router: Router | undefined;
    const decideTier = createTierDecider(replayConfig, { askOrchestrator: orchestratorTierQuestion(() => router!) });
    router = createRouter({ db, config: replayConfig, models: setup.models, providers: setup.registry, decideTier });
    const byTier = emptyTiers();
    const decisions: ReplayDecision[] = [];
    const record = options.onDecision ?? ((decision: ReplayDecision) => decisions.push(decision));
    let tasks = 0;
    let routed = 0;
    for await (const line of lines) {
      const response = await router.complete(
        {
          task: { text: line.task, inputTokens: line.inputTokens },
          request: { messages: [{ role: 'user', content: line.task }], maxOutputTokens: Math.max(1, line.outputTokens) },
          callOptions: { headers: { [SIM_USAGE_HEADER]: formatUsageHeader({ inputTokens: line.inputTokens, outputTokens: line.outputTokens }) } },
        },
        options.signal,
      );
      const tier = response.decision.tier;
      byTier[tier].tasks++;
      byTier[tier].costUsd += response.costUsd;
      byTier[tier].flagshipCostUsd += response.flagshipCostUsd;
      record({ tier, model: response.modelId, reason: response.decision.reason, costUsd: response.costUsd });
      tasks++;
      routed += response.costUsd;
    }
    const flagship = Object.values(byTier).reduce((sum, totals) => sum + totals.flagshipCostUsd, 0);
    return {
      tasks,
      routedCostUsd: routed,
      flagshipCostUsd: flagship,
      ...savings(routed, flagship),
      flagship: config.flagship,
      byTier,
      baselines: compareBaselines(options.baselines?.length ? usageGroups(db) : [], options.baselines ?? []),
      ...(options.onDecision ? {} : { decisions }),
      simulated: true,
    };
  } finally {
    await setup.close();
    db.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export interface RepriceReport {
  calls: number;
  originalCostUsd: number;
  repricedCostUsd: number;
  flagshipCostUsd: number;
  savingsRatio: number | null;
  percentSaved: number | null;
  flagship: string;
  byTier: Record<Tier, TierTotals & { originalCostUsd: number }>;
  /** Calls whose tier changed under the other policy. */
  moved: number;
  /** The re-priced cost against each baseline, the same recorded usage priced on each baseline model. */
  baselines: BaselineComparison[];
}

/**
 * "What would this history have cost under that policy": each successful call of the ledger
 * is routed again under `config` (size rule on its recorded input, its recorded task kind or
 * text through the tier decision, a forced tier kept), sent to the first model of that tier's
 * chain that fits, and its recorded usage priced at that model's price on the call's date.
 * No model is called.
 */
export async function repriceLedger(db: Store, config: Config, filter: { month?: string } = {}, baselines: readonly Baseline[] = []): Promise<RepriceReport> {
  const models = resolveModels(config);
  const flagship = models.get(config.flagship)!;
  const decideTier: TierDecider = createTierDecider({ ...config, routing: { ...config.routing, askOrchestrator: false } });
  const byTier = Object.fromEntries(Object.entries(emptyTiers()).map(([tier, totals]) => [tier, { ...totals, originalCostUsd: 0 }])) as RepriceReport['byTier'];
  let original = 0;
  let repriced = 0;
  let flagshipTotal = 0;
  let moved = 0;
  let count = 0;
  // One group per recorded call's date, new tier and job: bounded by days × tiers × jobs, not by calls.
  const groups = new Map<string, UsageGroup>();
  for (const call of ledgerPages(db, filter.month)) {
    const usage: Usage = {
      inputTokens: call.inputTokens,
      cachedInputTokens: call.cachedInputTokens,
      cacheWriteTokens: call.cacheWriteTokens,
      outputTokens: call.outputTokens,
      reasoningTokens: call.reasoningTokens,
    };
    const inputTokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
    const tier = await tierUnder(config, decideTier, call.task, call.tier as Tier, inputTokens);
    const model = firstFitting(config, models, tier, inputTokens + usage.outputTokens);
    const day = call.day;
    const cost = calculateCost(usage, priceOn(model, day));
    const flagshipCost = calculateCost(usage, priceOn(flagship, day));
    byTier[tier].tasks++;
    byTier[tier].costUsd += cost;
    byTier[tier].flagshipCostUsd += flagshipCost;
    byTier[(call.tier as Tier) in byTier ? (call.tier as Tier) : tier].originalCostUsd += call.costUsd;
    original += call.costUsd;
    repriced += cost;
    flagshipTotal += flagshipCost;
    if (tier !== call.tier) moved++;
    count++;
    const date = call.startedAt.slice(0, 10);
    const key = `${date}\u0000${tier}\u0000${call.job ?? ''}`;
    const group = groups.get(key) ?? { day: date, tier, job: call.job ?? '', calls: 0, costUsd: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    group.calls++;
    group.costUsd += cost;
    group.inputTokens += usage.inputTokens;
    group.cachedInputTokens += usage.cachedInputTokens;
    group.cacheWriteTokens += usage.cacheWriteTokens;
    group.outputTokens += usage.outputTokens;
    group.reasoningTokens += usage.reasoningTokens;
    groups.set(key, group);
  }
  const { savingsRatio, percentSaved } = savings(repriced, flagshipTotal);
  return {
    calls: count,
    originalCostUsd: original,
    repricedCostUsd: repriced,
    flagshipCostUsd: flagshipTotal,
    savingsRatio,
    percentSaved,
    flagship: config.flagship,
    byTier,
    moved,
    baselines: compareBaselines([...groups.values()], baselines),
  };
}

/** Successful ledger rows of `month` (or all), read a page at a time rather than all at once. */
function* ledgerPages(db: Store, month: string | undefined): Generator<CallRow> {
  let afterId = 0;
  for (;;) {
    const page = listCalls(db, { outcome: 'ok', month, afterId, limit: 1_000 });
    yield* page;
    if (page.length < 1_000) return;
    afterId = page[page.length - 1]!.id;
  }
}

async function tierUnder(config: Config, decideTier: TierDecider, task: { kind?: string; text?: string; tier?: string } | undefined, recorded: Tier, inputTokens: number): Promise<Tier> {
  if (inputTokens > config.routing.largeContextThreshold) return 'large-context';
  if (!task) return recorded;
  if (task.tier) return (config.tiers as Record<string, unknown>)[task.tier] ? (task.tier as Tier) : recorded;
  if (!task.kind && !task.text) return recorded;
  try {
    return (await decideTier({ kind: task.kind, text: task.text, inputTokens })).tier;
  } catch {
    return recorded;
  }
}

function firstFitting(config: Config, models: Map<string, ModelSpec>, tier: Tier, tokens: number): ModelSpec {
  const chain = config.tiers[tier].map((id) => models.get(id)!);
  return chain.find((model) => model.contextWindow >= tokens) ?? models.get(config.tiers['large-context'][0])!;
}

