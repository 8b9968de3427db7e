/**
 * Runs one claimed job run: builds the skill's context, calls `skill.run(context, signal)`
 * under the job's timeout, a cancel request and the caller's signal (daemon shutdown), and
 * writes the outcome. Every path ends the row: a run is never left `running` by this process.
 *
 * Outcomes: succeeded; failed (the skill threw, or an unknown skill); timed_out (job.timeout
 * elapsed, signal aborted); cancelled (`runs cancel`); interrupted (the caller aborted, e.g.
 * shutdown after the grace period); skipped_budget (the job's daily or monthly cap is spent).
 */
import type { Config, JobConfig } from '../config/schema.ts';
import { closest } from '../config/load.ts';
import type { Logger } from './logger.ts';
import type { ModelRouter, RoutedRequest } from '../contracts/router.ts';
import type { Skill, SkillContext, SkillResult } from '../skills/types.ts';
import type { Store } from '../memory/store.ts';
import { cancelledAmong, finishRun, getRun, runCost, startRun, type FinalRunStatus, type RunRecord } from '../memory/runs.ts';
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
  /**
   * The user's settings from USER.md, read at the start of every run so edits apply at once.
   * Throwing (a bad time zone in USER.md) fails the run with that message.
   */
  userSettings?: () => { timeZone?: string; currency?: string };
  /** How often a running run checks `run_cancellations` (default 500 ms). */
  cancelPollMs?: number;
  /** How long an aborted skill may take to return before the run is ended without it (default 5 s). */
  abortGraceMs?: number;
}

export interface ExecuteRequest {
  run: RunRecord;
  job: JobConfig;
  /** Aborting it (with a `RunAbort` reason, else "shutdown") ends the run as interrupted or cancelled. */
  signal?: AbortSignal;
}

export interface JobExecutor {
  /** Runs a queued (or already running) run to its end; resolves to the final row, never rejects. */
  execute(request: ExecuteRequest): Promise<RunRecord>;
}

const ERROR_LIMIT = 2_000;

export function createJobExecutor(deps: JobExecutorDeps): JobExecutor {
  const clock = deps.clock ?? systemClock;
  const currentConfig = () => (typeof deps.config === 'function' ? deps.config() : deps.config);
  const owner = processIdentity();

  async function execute(request: ExecuteRequest): Promise<RunRecord> {
    const { run, job } = request;
    const db = deps.db;
    const log = deps.logger.child({ job: run.job, runId: run.id, key: run.idempotencyKey });
    if (run.status === 'queued' && !startRun(db, run.id, clock.now(), process.pid, owner)) {
      return getRun(db, run.id)!;
    }
    const end = (status: FinalRunStatus, extra: { error?: string; result?: unknown } = {}): RunRecord => {
      finishRun(db, run.id, { status, at: clock.now(), costUsd: runCost(db, run.id), ...extra });
      const finished = getRun(db, run.id)!;
      const level = status === 'succeeded' ? 'info' : status === 'failed' || status === 'timed_out' ? 'warn' : 'info';
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
    const abort = (reason: RunAbort) => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const onOuterAbort = () => {
      const reason = request.signal?.reason;
      abort(reason instanceof RunAbort ? reason : new RunAbort('shutdown', 'the daemon is stopping'));
    };
    if (request.signal?.aborted) onOuterAbort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const timeout = setTimeout(() => abort(new RunAbort('timeout', `timed out after ${job.timeout} ms (jobs.${run.job}.timeout)`)), job.timeout);
    const cancelPoll = setInterval(() => {
      if (cancelledAmong(db, [run.id]).length > 0) abort(new RunAbort('cancelled', 'cancelled by `switchboard runs cancel`'));
    }, deps.cancelPollMs ?? 500);

    let context: SkillContext;
    try {
      context = buildContext(run, job, config, log, controller.signal);
    } catch (error) {
      clearTimeout(timeout);
      clearInterval(cancelPoll);
      request.signal?.removeEventListener('abort', onOuterAbort);
      return end('failed', { error: describeError(error) });
    }
    log.info({ event: 'job-start', skill: job.skill, trigger: run.trigger, attempt: run.attempt, slot: run.slot });
    try {
      const outcome = await settleOrGiveUp(skill.run(context, controller.signal), controller.signal, deps.abortGraceMs ?? 5_000);
      if (outcome.kind === 'abandoned') log.warn({ event: 'job-abandoned' }, 'the skill did not return after its signal fired; ending the run without it');
      const reason = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof RunAbort) {
        const status = reason.kind === 'timeout' ? 'timed_out' : reason.kind === 'cancelled' ? 'cancelled' : 'interrupted';
        return end(status, { error: reason.message });
      }
      if (outcome.kind === 'rejected') return end('failed', { error: describeError(outcome.error) });
      if (outcome.kind === 'fulfilled') return end('succeeded', { result: outcome.value });
      return end('failed', { error: 'the skill did not return' });
    } finally {
      clearTimeout(timeout);
      clearInterval(cancelPoll);
      request.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  function buildContext(run: RunRecord, job: JobConfig, config: Config, log: Logger, signal: AbortSignal): SkillContext {
    const router = deps.router ? withOrigin(deps.router, run, job) : missingRouter(run.job);
    const orchestrate: SkillContext['orchestrate'] = deps.makeOrchestrate
      ? deps.makeOrchestrate(run, job)
      : async () => {
          throw new Error(`job ${run.job}: no orchestrator is configured in this build (skill ${job.skill} asked for one)`);
        };
    void signal;
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
      grants: job.grants,
      orchestrate,
      now: () => clock.now(),
    };
  }

  return { execute };
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
