/**
 * Job runs: one row per (job, slot), claimed through the UNIQUE idempotency key so that a
 * double tick, a restart, a manual trigger or a second process can never run one slot twice.
 * A retry of an interrupted run reuses its row (attempt + 1), so the slot keeps one key and a
 * skill can make its side effects idempotent on it. Steps hold the transcript for `runs show`.
 */
import type { Store } from './store.ts';

export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'degraded',
  'failed',
  'timed_out',
  'interrupted',
  'skipped_overlap',
  'skipped_budget',
  'missed',
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type FinalRunStatus = Exclude<RunStatus, 'queued' | 'running'>;
export type RunTrigger = 'schedule' | 'catch-up' | 'manual' | 'retry';

export interface RunRecord {
  id: number;
  job: string;
  skill: string;
  /** ISO 8601 UTC slot, or `manual:<ISO>`. */
  slot: string;
  idempotencyKey: string;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: number;
  pid: number | null;
  /** Process identity (pid, boot, start time) of the process that claimed or runs it. */
  owner: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  costUsd: number;
  error: string | null;
  /** Parsed JSON from the skill's result or the recorder (e.g. a missed-slot count). */
  result: unknown;
  /** Last time the owning process said it was still working on the run (running runs only). */
  heartbeatAt: string | null;
  /** Process group of the run's children, while they may be alive. */
  pgid: number | null;
}

interface RunRow {
  id: number;
  job: string;
  skill: string;
  slot: string;
  idempotency_key: string;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: number;
  pid: number | null;
  owner: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  cost_usd: number;
  error: string | null;
  result: string | null;
  heartbeat_at: string | null;
  pgid: number | null;
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    job: row.job,
    skill: row.skill,
    slot: row.slot,
    idempotencyKey: row.idempotency_key,
    trigger: row.trigger,
    status: row.status,
    attempt: row.attempt,
    pid: row.pid,
    owner: row.owner,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    costUsd: row.cost_usd,
    error: row.error,
    result: row.result === null ? null : JSON.parse(row.result),
    heartbeatAt: row.heartbeat_at ?? null,
    pgid: row.pgid ?? null,
  };
}

export interface ClaimInput {
  job: string;
  skill: string;
  slot: string;
  idempotencyKey: string;
  trigger: RunTrigger;
  /** `queued` to run it, or a final status to record a slot that will not run (missed, skipped_overlap). */
  status: 'queued' | 'running' | FinalRunStatus;
  now: Date;
  pid?: number;
  owner?: string;
  error?: string;
  result?: unknown;
}

export type ClaimResult = { claimed: true; run: RunRecord } | { claimed: false; existing: RunRecord };

/**
 * Inserts the run for `idempotencyKey`, or returns the row that already holds the key
 * ("already claimed"). Atomic across processes: the UNIQUE constraint decides.
 */
export function claimRun(db: Store, input: ClaimInput): ClaimResult {
  const now = input.now.toISOString();
  const final = input.status !== 'queued' && input.status !== 'running';
  const info = db
    .prepare(
      `INSERT INTO job_runs (job, skill, slot, idempotency_key, trigger, status, pid, owner, created_at, started_at, ended_at, error, result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    )
    .run(
      input.job,
      input.skill,
      input.slot,
      input.idempotencyKey,
      input.trigger,
      input.status,
      input.pid ?? null,
      input.owner ?? null,
      now,
      input.status === 'running' ? now : null,
      final ? now : null,
      input.error ?? null,
      input.result === undefined ? null : JSON.stringify(input.result),
    );
  if (info.changes === 1) return { claimed: true, run: getRun(db, Number(info.lastInsertRowid))! };
  return { claimed: false, existing: getRunByKey(db, input.idempotencyKey)! };
}

/** Moves a queued run to running under `pid`/`owner`; false when it is no longer queued (cancelled). */
export function startRun(db: Store, id: number, at: Date, pid: number, owner: string): boolean {
  const info = db
    .prepare(`UPDATE job_runs SET status = 'running', started_at = ?, heartbeat_at = ?, pid = ?, owner = ? WHERE id = ? AND status = 'queued'`)
    .run(at.toISOString(), at.toISOString(), pid, owner, id);
  return info.changes === 1;
}

export interface FinishInput {
  status: FinalRunStatus;
  at: Date;
  error?: string;
  result?: unknown;
  costUsd?: number;
}

/** Ends a queued or running run; false (and nothing written) when it had already ended. */
export function finishRun(db: Store, id: number, input: FinishInput): boolean {
  const info = db
    .prepare(
      `UPDATE job_runs SET status = ?, ended_at = ?, error = ?, result = COALESCE(?, result), cost_usd = COALESCE(?, cost_usd)
       WHERE id = ? AND status IN ('queued', 'running')`,
    )
    .run(
      input.status,
      input.at.toISOString(),
      input.error ?? null,
      input.result === undefined ? null : JSON.stringify(input.result),
      input.costUsd ?? null,
      id,
    );
  return info.changes === 1;
}

/** Appends `note` to an ended run's error ("; "-separated), e.g. why it was not retried. */
export function noteRunError(db: Store, id: number, note: string): void {
  db.prepare(`UPDATE job_runs SET error = CASE WHEN error IS NULL OR error = '' THEN ? ELSE error || '; ' || ? END WHERE id = ?`).run(note, note, id);
}

/** The owner's "still working on it" mark on a running run; false when the run is no longer running. */
export function beatRun(db: Store, id: number, at: Date): boolean {
  return db.prepare(`UPDATE job_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'`).run(at.toISOString(), id).changes === 1;
}

/** Records (or, with null, clears) the process group of a run's children. */
export function setRunProcessGroup(db: Store, id: number, pgid: number | null): void {
  db.prepare(`UPDATE job_runs SET pgid = ? WHERE id = ?`).run(pgid, id);
}

/** Ended runs that still name a process group: their children may have outlived them. */
export function listRunsWithProcessGroup(db: Store): RunRecord[] {
  const rows = db.prepare(`SELECT * FROM job_runs WHERE pgid IS NOT NULL AND status NOT IN ('queued', 'running') ORDER BY id`).all() as RunRow[];
  return rows.map(toRecord);
}

/**
 * Re-queues an interrupted run as its next attempt (same row, same key, trigger `retry`).
 * Compare-and-set on `attempt`: of two processes retrying it, one wins; undefined for the other.
 */
export function requeueInterrupted(db: Store, id: number, expectedAttempt: number, at: Date, pid: number, owner: string): RunRecord | undefined {
  return requeueRun(db, id, 'interrupted', expectedAttempt, at, pid, owner);
}

/**
 * Puts an ended run back in the queue on the same row (attempt + 1, trigger `retry`, same
 * idempotency key), only if it is still `fromStatus` at `expectedAttempt`: two processes can
 * never both requeue it. The previous attempt's error is kept as a step. Undefined when not requeued.
 */
export function requeueRun(
  db: Store,
  id: number,
  fromStatus: 'interrupted' | 'failed' | 'timed_out',
  expectedAttempt: number,
  at: Date,
  pid: number,
  owner: string,
): RunRecord | undefined {
  return db.transaction(() => {
    const before = getRun(db, id);
    const info = db
      .prepare(
        `UPDATE job_runs SET status = 'queued', attempt = attempt + 1, trigger = 'retry', pid = ?, owner = ?,
           started_at = NULL, ended_at = NULL, error = NULL, result = NULL, created_at = ?
         WHERE id = ? AND status = ? AND attempt = ?`,
      )
      .run(pid, owner, at.toISOString(), id, fromStatus, expectedAttempt);
    if (info.changes !== 1) return undefined;
    if (fromStatus !== 'interrupted' && before) {
      recordStep(db, id, { step: 0, kind: 'retry', outcome: fromStatus, detail: { attempt: before.attempt, error: before.error }, at });
    }
    return getRun(db, id);
  })();
}

export function getRun(db: Store, id: number): RunRecord | undefined {
  const row = db.prepare(`SELECT * FROM job_runs WHERE id = ?`).get(id) as RunRow | undefined;
  return row && toRecord(row);
}

export function getRunByKey(db: Store, idempotencyKey: string): RunRecord | undefined {
  const row = db.prepare(`SELECT * FROM job_runs WHERE idempotency_key = ?`).get(idempotencyKey) as RunRow | undefined;
  return row && toRecord(row);
}

/** Newest first; `limit` defaults to 20. */
export function listRuns(db: Store, filter: { job?: string; limit?: number; statuses?: RunStatus[] } = {}): RunRecord[] {
  const where: string[] = [];
  const parameters: unknown[] = [];
  if (filter.job) {
    where.push('job = ?');
    parameters.push(filter.job);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
    parameters.push(...filter.statuses);
  }
  const sql = `SELECT * FROM job_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...parameters, filter.limit ?? 20) as RunRow[]).map(toRecord);
}

/** Queued or running rows, oldest first, optionally for one job. */
export function listActiveRuns(db: Store, job?: string): RunRecord[] {
  const rows = job
    ? db.prepare(`SELECT * FROM job_runs WHERE status IN ('queued', 'running') AND job = ? ORDER BY id`).all(job)
    : db.prepare(`SELECT * FROM job_runs WHERE status IN ('queued', 'running') ORDER BY id`).all();
  return (rows as RunRow[]).map(toRecord);
}

/** The latest run (any status) of `job`, or undefined. */
export function lastRun(db: Store, job: string): RunRecord | undefined {
  const row = db.prepare(`SELECT * FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1`).get(job) as RunRow | undefined;
  return row && toRecord(row);
}

/** The newest scheduled (non-manual) slot recorded for `job`, or undefined. */
export function lastScheduledSlot(db: Store, job: string): Date | undefined {
  const row = db
    .prepare(`SELECT MAX(slot) AS slot FROM job_runs WHERE job = ? AND slot NOT LIKE 'manual:%'`)
    .get(job) as { slot: string | null };
  return row.slot ? new Date(row.slot) : undefined;
}

/** The sum of ledger costs written under this run id (0 when none). */
export function runCost(db: Store, runId: number): number {
  const row = db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM calls WHERE run_id = ?`).get(runId) as { cost: number };
  return row.cost;
}

export interface StepInput {
  step: number;
  kind: string;
  tier?: string;
  model?: string;
  tool?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  outcome: string;
  detail?: unknown;
  at?: Date;
}

export interface StepRecord extends Required<Omit<StepInput, 'tier' | 'model' | 'tool' | 'detail' | 'at'>> {
  id: number;
  runId: number;
  tier: string | null;
  model: string | null;
  tool: string | null;
  detail: unknown;
  createdAt: string;
}

/** Appends one step to a run's transcript; returns its id. */
export function recordStep(db: Store, runId: number, step: StepInput): number {
  const info = db
    .prepare(
      `INSERT INTO job_steps (run_id, step, kind, tier, model, tool, input_tokens, output_tokens, cost_usd, outcome, detail, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      runId,
      step.step,
      step.kind,
      step.tier ?? null,
      step.model ?? null,
      step.tool ?? null,
      step.inputTokens ?? 0,
      step.outputTokens ?? 0,
      step.costUsd ?? 0,
      step.outcome,
      step.detail === undefined ? null : JSON.stringify(step.detail),
      (step.at ?? new Date()).toISOString(),
    );
  return Number(info.lastInsertRowid);
}

/** A run's steps in order; empty when it has none. */
export function listSteps(db: Store, runId: number): StepRecord[] {
  const rows = db.prepare(`SELECT * FROM job_steps WHERE run_id = ? ORDER BY step, id`).all(runId) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    id: row.id as number,
    runId: row.run_id as number,
    step: row.step as number,
    kind: row.kind as string,
    tier: row.tier as string | null,
    model: row.model as string | null,
    tool: row.tool as string | null,
    inputTokens: row.input_tokens as number,
    outputTokens: row.output_tokens as number,
    costUsd: row.cost_usd as number,
    outcome: row.outcome as string,
    detail: row.detail === null ? null : JSON.parse(row.detail as string),
    createdAt: row.created_at as string,
  }));
}

/** Records a cancel request for `runId`; the process running it notices within its poll interval. */
export function requestCancellation(db: Store, runId: number, at: Date): void {
  db.prepare(`INSERT INTO run_cancellations (run_id, requested_at) VALUES (?, ?) ON CONFLICT (run_id) DO NOTHING`).run(
    runId,
    at.toISOString(),
  );
}

/** The ids among `runIds` that someone asked to cancel. */
export function cancelledAmong(db: Store, runIds: number[]): number[] {
  if (runIds.length === 0) return [];
  const rows = db
    .prepare(`SELECT run_id FROM run_cancellations WHERE run_id IN (${runIds.map(() => '?').join(', ')})`)
    .all(...runIds) as Array<{ run_id: number }>;
  return rows.map((row) => row.run_id);
}
