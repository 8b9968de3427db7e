/**
 * Runs one claimed job run: builds the skill's context, calls `skill.run(context, signal)`
 * under the job's timeout, a cancel request and the caller's signal (daemon shutdown), and
 * writes the outcome. Every path ends the row: a run is never left `running` by this process.
 *
 * Outcomes: succeeded; degraded (the skill delivered but reported failed parts, `problems`);
 * failed (the skill threw, or an unknown skill; an `EveryPartFailedError` keeps its parts on
 * the row); timed_out (job.timeout
 * elapsed, signal aborted); cancelled (`runs cancel`); interrupted (the caller aborted, e.g.
 * shutdown after the grace period); skipped_budget (the job's daily or monthly cap is spent).
 */
import type { Config, JobConfig } from '../config/schema.ts';
import { closest } from '../config/load.ts';
import type { Logger } from './logger.ts';
import type { ModelRouter, RoutedRequest } from '../contracts/router.ts';
import type { Skill, SkillContext, SkillResult } from '../skills/types.ts';
import { describeProblems, problemsOf } from '../skills/problems.ts';
import type { Store } from '../memory/store.ts';
import { NO_SECRETS, redactValue, type Redactor } from '../contracts/redactor.ts';
import { beatRun, cancelledAmong, finishRun, getRun, runCost, setRunProcessGroup, startRun, type FinalRunStatus, type RunRecord } from '../memory/runs.ts';
import { isTransientWriteError, retryWrite } from '../memory/busy-retry.ts';
import { LedgerWriteError } from '../memory/ledger.ts';
import { createCallDeadline, type CallDeadline } from './call-deadline.ts';
import { endGroup } from './process-groups.ts';
import { assertSchedule, jobTimeZone, systemClock, type Clock } from './scheduler/slots.ts';
import { processIdentity } from './scheduler/process-identity.ts';

/** Why a run's signal fired; the value of `signal.reason`. */
export class RunAbort extends Error {
  readonly kind: 'timeout' | 'cancelled' | 'shutdown';
  constructor(kind: 'timeout' | 'cancelled' | 'shutdown', message: string) {
    super(message);
    this.name = 'RunAbort';
    this.kind = kind;
  }
}

export interface JobExecutorDeps {
  db: Store;
  /** The current config; a function so a SIGHUP reload is seen by the next run. */
  config: Config | (() => Config);
  dataDir: string;
  logger: Logger;
  skills: Map<string, Skill>;
  /** The lead's model router; undefined leaves `context.router` throwing a clear error when used. */
  router?: ModelRouter;
  /** Seam for the lead's orchestrator loop, bound to one run (origin, limits, per-job tiers). */
  makeOrchestrate?: (run: RunRecord, job: JobConfig) => SkillContext['orchestrate'];
  clock?: Clock;
  /** The process's secret registry: every stored result and error passes through it, and skills get it. */
  secrets?: Redactor;
  /**
   * The user's settings from USER.md, read at the start of every run so edits apply at once.
   * Throwing (a bad time zone in USER.md) fails the run with that message.
   */
  userSettings?: () => { timeZone?: string; currency?: string };
  /** How often a running run checks `run_cancellations` (default 500 ms). */
  cancelPollMs?: number;
  /** How long an aborted skill may take to return before the run is ended without it (default 5 s). */
  abortGraceMs?: number;
  /** How often a running run writes its heartbeat (default 5 s). */
  heartbeatMs?: number;
}

export interface ExecuteRequest {
  run: RunRecord;
  job: JobConfig;
  /** Aborting it (with a `RunAbort` reason, else "shutdown") ends the run as interrupted or cancelled. */
  signal?: AbortSignal;
}

export interface JobExecutor {
  /**
   * Runs a queued (or already running) run to its end; resolves to the final row, never rejects.
   * When the end cannot be written yet (database busy, disk full) it resolves with the outcome
   * at once and keeps writing it in the background (see `flush`).
   */
  execute(request: ExecuteRequest): Promise<RunRecord>;
  /** Waits up to `timeoutMs` for run ends still being written; true when none is left. */
  flush(timeoutMs: number): Promise<boolean>;
}

const ERROR_LIMIT = 2_000;

export function createJobExecutor(deps: JobExecutorDeps): JobExecutor {
  const clock = deps.clock ?? systemClock;
  const currentConfig = () => (typeof deps.config === 'function' ? deps.config() : deps.config);
  const owner = processIdentity();
  const secrets = deps.secrets ?? NO_SECRETS;
  /** Run ends that could not be written yet (database busy, disk full): still being retried. */
  const pendingEnds = new Set<Promise<unknown>>();

  async function execute(request: ExecuteRequest): Promise<RunRecord> {
    const { run, job } = request;
    const db = deps.db;
    const log = deps.logger.child({ job: run.job, runId: run.id, key: run.idempotencyKey });
    if (run.status === 'queued') {
      const started = await retryWrite(() => startRun(db, run.id, clock.now(), process.pid, owner), {
        signal: request.signal,
        onRetry: (error, attempt) => log.warn({ event: 'run-start-retry', attempt, error: String(error) }, 'cannot record the run start yet; retrying'),
      }).catch((error: unknown) => {
        log.error({ event: 'run-start-failed', error: String(error) });
        return false;
      });
      if (!started) return getRunOrSelf(run);
    }
    const end = (status: FinalRunStatus, extra: { error?: string; result?: unknown } = {}): RunRecord => {
      // A child's stderr, a provider's message or a skill's details may quote a secret: none is stored.
      const safe = {
        ...(extra.error !== undefined ? { error: secrets.redact(extra.error) } : {}),
        ...(extra.result !== undefined ? { result: redactValue(secrets, extra.result) } : {}),
      };
      const at = clock.now();
      const write = () => finishRun(db, run.id, { status, at, costUsd: runCost(db, run.id), ...safe });
      const level = status === 'succeeded' ? 'info' : status === 'failed' || status === 'timed_out' || status === 'degraded' ? 'warn' : 'info';
      try {
        write();
      } catch (error) {
        if (!isTransientWriteError(error)) throw error;
        // The database is locked by someone else or the disk is full: keep trying in the
        // background, and hand the outcome back now so the job's next slots are not held up.
        log.warn({ event: 'run-end-pending', status, error: String(error) }, 'cannot record the run end yet; retrying until it is recorded');
        const pending = retryWrite(write, { baseDelayMs: 200 })
          .then(() => log.info({ event: 'run-end-recorded', status }))
          .catch((failure: unknown) => log.error({ event: 'run-end-lost', status, error: String(failure) }))
          .finally(() => pendingEnds.delete(pending));
        pendingEnds.add(pending);
        const unrecorded: RunRecord = { ...run, status, endedAt: at.toISOString(), error: safe.error ?? null, result: safe.result ?? run.result };
        log[level]({ event: 'job-end', status, attempt: run.attempt, recorded: false, error: safe.error });
        return unrecorded;
      }
      const finished = getRun(db, run.id)!;
      log[level]({ event: 'job-end', status, attempt: finished.attempt, costUsd: finished.costUsd, error: finished.error ?? undefined });
      return finished;
    };

    const skill = deps.skills.get(job.skill);
    if (!skill) {
      const known = [...deps.skills.keys()].join(', ') || '(none)';
      return end('failed', { error: `unknown skill "${job.skill}" for job ${run.job} (jobs.${run.job}.skill); registered skills: ${known}` });
    }
    const config = currentConfig();
    const overBudget = budgetExceeded(db, run.job, job, config, clock.now());
    if (overBudget) return end('skipped_budget', { error: overBudget });

    const controller = new AbortController();
    const groups = new Set<number>();
    const killGrace = deps.abortGraceMs ?? 5_000;
    const abort = (reason: RunAbort) => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      // Stopping a run stops everything it started, grandchildren included.
      for (const pgid of groups) void endGroup(pgid, killGrace);
    };
    const onOuterAbort = () => {
      const reason = request.signal?.reason;
      abort(reason instanceof RunAbort ? reason : new RunAbort('shutdown', 'the daemon is stopping'));
    };
    if (request.signal?.aborted) onOuterAbort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const timeout = setTimeout(() => abort(new RunAbort('timeout', `timed out after ${job.timeout} ms (jobs.${run.job}.timeout)`)), job.timeout);
    const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
    let lastBeat = Date.now();
    const cancelPoll = setInterval(() => {
      // A locked or full database must not crash the process from a timer: the next poll tries again.
      try {
        if (cancelledAmong(db, [run.id]).length > 0) abort(new RunAbort('cancelled', 'cancelled by `switchboard runs cancel`'));
        if (Date.now() - lastBeat >= heartbeatMs) {
          beatRun(db, run.id, clock.now());
          lastBeat = Date.now();
        }
      } catch (error) {
        log.debug({ event: 'run-poll-failed', error: String(error) });
      }
    }, Math.min(deps.cancelPollMs ?? 500, heartbeatMs));
    const deadline = createCallDeadline(job.callDeadline, run.job);
    const adopt = (pgid: number) => {
      groups.add(pgid);
      void retryWrite(() => setRunProcessGroup(db, run.id, pgid), { maxDelayMs: 1_000 }).catch(() => undefined);
      if (controller.signal.aborted) void endGroup(pgid, killGrace);
    };
    const cleanUp = () => {
      clearTimeout(timeout);
      clearInterval(cancelPoll);
      deadline.dispose();
      request.signal?.removeEventListener('abort', onOuterAbort);
      for (const pgid of groups) {
        // What the run started does not outlive it (a child that forked into the background).
        void endGroup(pgid, 1_000).then(() => {
          try {
            setRunProcessGroup(db, run.id, null);
          } catch {
            // Left recorded: the next daemon start ends the group if anything of it is left.
          }
        });
      }
    };

    // Calls the provider answered but the ledger could not record: the run fails, whatever the skill made of them.
    const unrecordedCalls: LedgerWriteError[] = [];
    let context: SkillContext;
    try {
      context = buildContext(run, job, config, log, deadline, adopt, unrecordedCalls);
    } catch (error) {
      cleanUp();
      return end('failed', { error: describeError(error) });
    }
    log.info({ event: 'job-start', skill: job.skill, trigger: run.trigger, attempt: run.attempt, slot: run.slot });
    try {
      const outcome = await settleOrGiveUp(skill.run(context, controller.signal), controller.signal, deps.abortGraceMs ?? 5_000);
      if (outcome.kind === 'abandoned') log.warn({ event: 'job-abandoned' }, 'the skill did not return after its signal fired; ending the run without it');
      // Work that finished is recorded as finished, even if a stop request came while it did:
      // redoing a completed run would do its side effects twice.
      if (unrecordedCalls.length > 0 && outcome.kind !== 'abandoned') {
        return end('failed', {
          error: `${unrecordedCalls.length} model call(s) not recorded in the ledger: ${unrecordedCalls[0].message}`,
          ...(outcome.kind === 'fulfilled' ? { result: outcome.value } : {}),
        });
      }
      if (outcome.kind === 'fulfilled') return end(...fulfilledStatus(outcome.value));
      const reason = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof RunAbort) {
        const status = reason.kind === 'timeout' ? 'timed_out' : reason.kind === 'cancelled' ? 'cancelled' : 'interrupted';
        return end(status, { error: reason.message });
      }
      if (outcome.kind === 'rejected') {
        // Every part failed: the row keeps the parts, as a degraded run's does.
        const problems = problemsOf(outcome.error);
        const summary = (outcome.error as { summary?: unknown } | null)?.summary;
        return end('failed', {
          error: describeError(outcome.error),
          ...(problems ? { result: { summary: typeof summary === 'string' ? summary : 'every part failed', problems } } : {}),
        });
      }
      return end('failed', { error: 'the skill did not return' });
    } finally {
      cleanUp();
    }
  }

  function getRunOrSelf(run: RunRecord): RunRecord {
    try {
      return getRun(deps.db, run.id) ?? run;
    } catch {
      return run;
    }
  }

  function buildContext(
    run: RunRecord,
    job: JobConfig,
    config: Config,
    log: Logger,
    deadline: CallDeadline,
    adoptProcessGroup: (pgid: number) => void,
    unrecordedCalls: LedgerWriteError[],
  ): SkillContext {
    const noteUnrecorded = (error: unknown) => {
      const lost = ledgerWriteErrorIn(error);
      if (lost && !unrecordedCalls.includes(lost)) unrecordedCalls.push(lost);
      throw error;
    };
    const inner = deps.router ? withOrigin(deps.router, run, job) : missingRouter(run.job);
    const router = deadline.router({
      complete: (routed, signal) => inner.complete(routed, signal).catch(noteUnrecorded),
      decide: (task, request) => inner.decide(task, request),
    });
    const innerOrchestrate: SkillContext['orchestrate'] = deps.makeOrchestrate
      ? deps.makeOrchestrate(run, job)
      : async () => {
          throw new Error(`job ${run.job}: no orchestrator is configured in this build (skill ${job.skill} asked for one)`);
        };
    const orchestrate: SkillContext['orchestrate'] = deadline.orchestrate((options, signal) => innerOrchestrate(options, signal).catch(noteUnrecorded));
    const user = deps.userSettings?.() ?? {};
    return {
      job: run.job,
      skill: job.skill,
      runId: run.id,
      idempotencyKey: run.idempotencyKey,
      slot: new Date(run.slot.startsWith('manual:') ? run.slot.slice('manual:'.length) : run.slot),
      options: job.options,
      db: deps.db,
      dataDir: deps.dataDir,
      logger: log,
      timezone: job.timezone ?? user.timeZone ?? jobTimeZone(job, config),
      currency: user.currency ?? 'USD',
      router,
      secrets,
      grants: job.grants,
      orchestrate,
      now: () => clock.now(),
      adoptProcessGroup,
    };
  }

  async function flush(timeoutMs: number): Promise<boolean> {
    if (pendingEnds.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([Promise.allSettled([...pendingEnds]).then(() => true as const), gaveUp]);
    clearTimeout(timer);
    return done;
  }

  return { execute, flush };
}

/** How often a running run's owner writes its heartbeat. */
export const HEARTBEAT_MS = 5_000;

/** `succeeded`, or `degraded` (with the failed parts in one line) when the skill reported problems. */
function fulfilledStatus(result: SkillResult): [FinalRunStatus, { error?: string; result: SkillResult }] {
  const problems = result.problems ?? [];
  if (problems.length === 0) return ['succeeded', { result }];
  return ['degraded', { result, error: describeProblems(problems) }];
}

type Settled = { kind: 'fulfilled'; value: SkillResult } | { kind: 'rejected'; error: unknown } | { kind: 'abandoned' };

/** Waits for the skill; once the signal fires, waits at most `graceMs` more. */
function settleOrGiveUp(promise: Promise<SkillResult>, signal: AbortSignal, graceMs: number): Promise<Settled> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ kind: 'abandoned' }), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => resolve({ kind: 'fulfilled', value }),
      (error: unknown) => resolve({ kind: 'rejected', error }),
    ).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/** The `LedgerWriteError` that `error` is or was caused by (a few levels deep), if any. */
function ledgerWriteErrorIn(error: unknown): LedgerWriteError | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof LedgerWriteError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > ERROR_LIMIT ? `${message.slice(0, ERROR_LIMIT)}…` : message;
}

function withOrigin(router: ModelRouter, run: RunRecord, job: JobConfig): ModelRouter {
  return {
    complete: (routed: RoutedRequest, signal?: AbortSignal) =>
      router.complete(
        {
          ...routed,
          task: job.underRoutingCost === 'high' ? { underRoutingCost: job.underRoutingCost, ...routed.task } : routed.task,
          origin: { runId: run.id, job: run.job, skill: job.skill, ...routed.origin },
        },
        signal,
      ),
    decide: (task, request) => router.decide(task, request),
  };
}

function missingRouter(job: string): ModelRouter {
  const fail = async (): Promise<never> => {
    throw new Error(`job ${job}: no model router is configured in this process`);
  };
  return { complete: fail, decide: fail };
}

/**
 * Why the job may not start under its budget (`jobs.<name>.budget`, `budgets.daily.jobs.<name>`,
 * `budgets.monthly.jobs.<name>`), or undefined when it may. Reads the ledger's running totals.
 */
export function budgetExceeded(db: Store, name: string, job: JobConfig, config: Config, now: Date): string | undefined {
  const day = now.toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  const spent = (column: 'day' | 'month', value: string) =>
    (db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM call_totals WHERE job = ? AND ${column} = ?`).get(name, value) as { cost: number })
      .cost;
  const caps: Array<[string, number | undefined, 'day' | 'month', string]> = [
    [`jobs.${name}.budget.daily`, job.budget.daily, 'day', day],
    [`budgets.daily.jobs.${name}`, config.budgets.daily.jobs[name], 'day', day],
    [`jobs.${name}.budget.monthly`, job.budget.monthly, 'month', month],
    [`budgets.monthly.jobs.${name}`, config.budgets.monthly.jobs[name], 'month', month],
  ];
  for (const [path, cap, column, value] of caps) {
    if (cap === undefined) continue;
    const used = spent(column, value);
    if (used >= cap) return `budget spent: $${used.toFixed(4)} of $${cap} (${path})`;
  }
  return undefined;
}

export interface JobIssue {
  path: string;
  message: string;
}

/** Config-check validation of jobs against the registered skills and the slot math; empty when fine. */
export function validateJobs(config: Config, skills: Iterable<string> | ReadonlyMap<string, Skill>): JobIssue[] {
  const registry = skills instanceof Map ? (skills as ReadonlyMap<string, Skill>) : undefined;
  const known = new Set(registry ? registry.keys() : (skills as Iterable<string>));
  const issues: JobIssue[] = [];
  for (const [name, job] of Object.entries(config.jobs)) {
    if (!known.has(job.skill)) {
      const suggestion = closest(job.skill, [...known]);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      issues.push({ path: `jobs.${name}.skill`, message: `unknown skill "${job.skill}"${hint}; registered skills: ${[...known].join(', ') || '(none)'}` });
    }
    try {
      assertSchedule({ expression: job.schedule, timezone: jobTimeZone(job, config) });
    } catch (error) {
      issues.push({ path: `jobs.${name}.schedule`, message: `cannot compute slots for "${job.schedule}": ${describeError(error)}` });
    }
    if (job.skill === 'command') {
      const command = job.options.command;
      if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
        issues.push({ path: `jobs.${name}.options.command`, message: 'expected a non-empty list of strings (program and arguments)' });
        continue;
      }
    }
    const skill = registry?.get(job.skill);
    if (job.enabled && skill?.checkOptions) {
      try {
        skill.checkOptions(job.options, name);
      } catch (error) {
        issues.push({ path: `jobs.${name}.options`, message: describeError(error) });
      }
    }
  }
  return issues;
}
