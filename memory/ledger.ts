/**
 * The call ledger: one row per provider attempt, successful or not, priced by the caller.
 * The `call_totals` rollup is kept by trigger, so writing a row is all a caller does.
 */
import type { Store } from './store.ts';

export type CallOutcome = 'ok' | 'error' | 'aborted';

/** Token counts as the provider layer normalises them (`inputTokens` is uncached input). */
export interface CallUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** One attempt, ready to be written. Costs are computed by the router from dated prices. */
export interface CallRecord {
  startedAt: Date;
  tier: string;
  provider: string;
  model: string;
  usage: CallUsage;
  costUsd: number;
  flagshipCostUsd: number;
  cacheSavingsUsd?: number;
  latencyMs: number;
  outcome: CallOutcome;
  errorKind?: string;
  /** Sanitised before it is written: see `sanitizeErrorMessage`. */
  errorMessage?: string;
  /** Ledger id of the attempt this one fell back from (or retried). */
  fallbackFrom?: number;
  reason?: string;
  simulated: boolean;
  runId?: number;
  job?: string;
  skill?: string;
  step?: number;
  /** The routed task (kind, text cut to 300 chars, forced tier), for re-pricing under another policy. */
  task?: CallTask;
  /** True when Switchboard estimated the usage (a stream cut before the provider reported it). */
  usageEstimated?: boolean;
}

export interface CallTask {
  kind?: string;
  text?: string;
  tier?: string;
}

const MAX_TASK_TEXT = 300;

/**
 * A provider call was made (and may be billed) but its ledger row could not be written: the
 * database stayed locked or the disk full past the retry window. The run that made it must
 * not be recorded as succeeded, since the bill does not see the call.
 */
export class LedgerWriteError extends Error {
  readonly model: string;
  readonly costUsd: number;
  constructor(call: Pick<CallRecord, 'model' | 'costUsd'>, waitedMs: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `the ledger row of a ${call.model} call ($${call.costUsd.toFixed(6)}) could not be written within ${Math.round(waitedMs / 1000)} s ` +
        `(${reason}): the call is not in the bill`,
      { cause },
    );
    this.name = 'LedgerWriteError';
    this.model = call.model;
    this.costUsd = call.costUsd;
  }
}

/** A ledger row as read back. */
export interface CallRow {
  id: number;
  startedAt: string;
  day: string;
  month: string;
  runId: number | null;
  job: string | null;
  skill: string | null;
  step: number | null;
  tier: string;
  provider: string;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  flagshipCostUsd: number;
  cacheSavingsUsd: number;
  latencyMs: number;
  outcome: CallOutcome;
  errorKind: string | null;
  errorMessage: string | null;
  fallbackFrom: number | null;
  reason: string | null;
  simulated: boolean;
  task: CallTask | undefined;
  usageEstimated: boolean;
}

export interface CallFilter {
  runId?: number;
  job?: string;
  /** YYYY-MM-DD (UTC). */
  day?: string;
  /** YYYY-MM (UTC). */
  month?: string;
  outcome?: CallOutcome;
  /** Rows with an id above this, for paging. */
  afterId?: number;
  /** Default 1000. */
  limit?: number;
}

const MAX_ERROR_MESSAGE = 500;

/**
 * Makes a provider's error text safe to store: key-shaped strings, bearer tokens and
 * `key=` query parameters are replaced, control characters flattened, length capped.
 */
export function sanitizeErrorMessage(message: string): string {
  const cleaned = message
    .replace(/\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,})/g, '[redacted]')
    .replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]')
    .replace(/([?&](?:api[-_]?)?key=)[^&\s]+/gi, '$1[redacted]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return cleaned.length > MAX_ERROR_MESSAGE ? `${cleaned.slice(0, MAX_ERROR_MESSAGE - 1)}…` : cleaned;
}

/** The UTC day (YYYY-MM-DD) and month (YYYY-MM) a moment belongs to, as the ledger and budgets count them. */
export function ledgerPeriod(moment: Date): { day: string; month: string } {
  const day = moment.toISOString().slice(0, 10);
  return { day, month: day.slice(0, 7) };
}

const INSERT_CALL = `INSERT INTO calls (started_at, day, month, run_id, job, skill, step, tier, provider, model,
  input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
  cost_usd, flagship_cost_usd, cache_savings_usd, latency_ms, outcome, error_kind, error_message,
  fallback_from, reason, simulated, task, usage_estimated)
  VALUES (@startedAt, @day, @month, @runId, @job, @skill, @step, @tier, @provider, @model,
  @inputTokens, @cachedInputTokens, @cacheWriteTokens, @outputTokens, @reasoningTokens,
  @costUsd, @flagshipCostUsd, @cacheSavingsUsd, @latencyMs, @outcome, @errorKind, @errorMessage,
  @fallbackFrom, @reason, @simulated, @task, @usageEstimated)`;

/** The named parameters of one `calls` insert; exported for bulk loaders (bench/bill.ts). */
export function callParameters(call: CallRecord): Record<string, string | number | null> {
  const { day, month } = ledgerPeriod(call.startedAt);
  return {
    startedAt: call.startedAt.toISOString(),
    day,
    month,
    runId: call.runId ?? null,
    job: call.job ?? null,
    skill: call.skill ?? null,
    step: call.step ?? null,
    tier: call.tier,
    provider: call.provider,
    model: call.model,
    inputTokens: call.usage.inputTokens,
    cachedInputTokens: call.usage.cachedInputTokens,
    cacheWriteTokens: call.usage.cacheWriteTokens,
    outputTokens: call.usage.outputTokens,
    reasoningTokens: call.usage.reasoningTokens,
    costUsd: call.costUsd,
    flagshipCostUsd: call.flagshipCostUsd,
    cacheSavingsUsd: call.cacheSavingsUsd ?? 0,
    latencyMs: Math.max(0, Math.round(call.latencyMs)),
    outcome: call.outcome,
    errorKind: call.errorKind ?? null,
    errorMessage: call.errorMessage === undefined ? null : sanitizeErrorMessage(call.errorMessage),
    fallbackFrom: call.fallbackFrom ?? null,
    reason: call.reason ?? null,
    simulated: call.simulated ? 1 : 0,
    task: call.task ? JSON.stringify(taskForLedger(call.task)) : null,
    usageEstimated: call.usageEstimated ? 1 : 0,
  };
}

function taskForLedger(task: CallTask): CallTask {
  const stored: CallTask = {};
  if (task.kind) stored.kind = task.kind;
  if (task.text) stored.text = task.text.length > MAX_TASK_TEXT ? task.text.slice(0, MAX_TASK_TEXT) : task.text;
  if (task.tier) stored.tier = task.tier;
  return stored;
}

/** The prepared insert for `db`; prepared once per database and reused. */
export function insertCallStatement(db: Store) {
  return db.prepare<Record<string, string | number | null>>(INSERT_CALL);
}

const preparedInserts = new WeakMap<Store, ReturnType<typeof insertCallStatement>>();

/** Writes one attempt and returns its ledger id. Runs inside the caller's transaction if there is one. */
export function recordCall(db: Store, call: CallRecord): number {
  let statement = preparedInserts.get(db);
  if (!statement) {
    statement = insertCallStatement(db);
    preparedInserts.set(db, statement);
  }
  return Number(statement.run(callParameters(call)).lastInsertRowid);
}

interface RawCallRow {
  id: number;
  started_at: string;
  day: string;
  month: string;
  run_id: number | null;
  job: string | null;
  skill: string | null;
  step: number | null;
  tier: string;
  provider: string;
  model: string;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  flagship_cost_usd: number;
  cache_savings_usd: number;
  latency_ms: number;
  outcome: CallOutcome;
  error_kind: string | null;
  error_message: string | null;
  fallback_from: number | null;
  reason: string | null;
  simulated: number;
  task: string | null;
  usage_estimated: number;
}

function toCallRow(raw: RawCallRow): CallRow {
  return {
    id: raw.id,
    startedAt: raw.started_at,
    day: raw.day,
    month: raw.month,
    runId: raw.run_id,
    job: raw.job,
    skill: raw.skill,
    step: raw.step,
    tier: raw.tier,
    provider: raw.provider,
    model: raw.model,
    inputTokens: raw.input_tokens,
    cachedInputTokens: raw.cached_input_tokens,
    cacheWriteTokens: raw.cache_write_tokens,
    outputTokens: raw.output_tokens,
    reasoningTokens: raw.reasoning_tokens,
    costUsd: raw.cost_usd,
    flagshipCostUsd: raw.flagship_cost_usd,
    cacheSavingsUsd: raw.cache_savings_usd,
    latencyMs: raw.latency_ms,
    outcome: raw.outcome,
    errorKind: raw.error_kind,
    errorMessage: raw.error_message,
    fallbackFrom: raw.fallback_from,
    reason: raw.reason,
    simulated: raw.simulated === 1,
    task: raw.task ? (JSON.parse(raw.task) as CallTask) : undefined,
    usageEstimated: raw.usage_estimated === 1,
  };
}

const FILTER_CLAUSES: ReadonlyArray<[Exclude<keyof CallFilter, 'limit'>, string]> = [
  ['runId', 'run_id = @runId'],
  ['job', 'job = @job'],
  ['day', 'day = @day'],
  ['month', 'month = @month'],
  ['outcome', 'outcome = @outcome'],
  ['afterId', 'id > @afterId'],
];

/** Ledger rows matching every given field, oldest first; empty when none match. */
export function listCalls(db: Store, filter: CallFilter = {}): CallRow[] {
  const clauses: string[] = [];
  const parameters: Record<string, string | number> = {};
  for (const [key, clause] of FILTER_CLAUSES) {
    const value = filter[key];
    if (value === undefined) continue;
    clauses.push(clause);
    parameters[key] = value;
  }
  parameters.limit = filter.limit ?? 1000;
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const rows = db.prepare(`SELECT * FROM calls ${where} ORDER BY id LIMIT @limit`).all(parameters) as RawCallRow[];
  return rows.map(toCallRow);
}

/** One ledger row by id, or undefined. */
export function getCall(db: Store, id: number): CallRow | undefined {
  const raw = db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as RawCallRow | undefined;
  return raw ? toCallRow(raw) : undefined;
}
