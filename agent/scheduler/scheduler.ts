/**
 * The scheduler: turns ticks into claimed runs and runs them under each job's overlap policy
 * and the global concurrency limit.
 *
 * - A tick names a time; the slot is the latest slot of the job's schedule at or before it
 *   (slots.ts), so a late tick still maps to its own slot. node-cron drives ticks in the
 *   daemon (its `date` is the planned instant; its `execution:missed` events tick too); tests
 *   call `tick(job, at)` with a controlled clock.
 * - A slot is claimed through its idempotency key (`job@<ISO>`, UNIQUE in job_runs) in the
 *   same transaction that advances the job's watermark: a double tick, a second scheduler on
 *   the same database or a restart finds it "already claimed" and does nothing.
 * - Overlap `skip`: a slot that comes while the job is busy (running, queued, or running in
 *   another live process) is recorded `skipped_overlap`. Overlap `queue`: it waits and runs
 *   after the current run; at most one run waits per job, so a job slower than its schedule
 *   cannot grow a backlog (further slots are recorded `skipped_overlap`).
 * - `daemon.concurrency` bounds runs across jobs; the rest wait (status `queued`).
 *
 * - A slot the process reaches late (a suspend, a forward clock jump, a blocked event loop)
 *   follows the missed-run policy, not the overlap one: beyond a grace (a minute, or half the
 *   schedule's interval if shorter) it runs only under `catchUp: { within }` and within that
 *   window, else it is recorded `missed` with that reason; slots never ticked in between are
 *   recorded `missed` too (one row per gap). Only a slot that comes while a run of the job is
 *   really busy is `skipped_overlap`.
 * - A slot whose claim cannot be written (another process holds the write lock, the disk is
 *   full) is retried asynchronously until it is recorded, then run late or marked missed by
 *   the same policy: never dropped, and the event loop never waits on the lock for long.
 * - A watchdog (cron mode) notices a stalled or suspended process and ticks every job at once.
 *
 * Start-up (`recover`), once, before `start`:
 * - `queued`/`running` rows whose process is gone become `interrupted`. With
 *   `retryInterrupted`, the newest interrupted scheduled run of the job is retried once on the
 *   same row (attempt 2, same key) if nothing of the job ran after it, its slot is within
 *   `retryWithin`, and the skill declares itself safe to retry (`Skill.retrySafe`); otherwise
 *   it stays interrupted with the reason. A run interrupted on its second attempt stays
 *   interrupted.
 * - Missed slots are those after the job's watermark (the newest slot accounted for). A job
 *   never seen before gets its watermark set to now: no catch-up on history. With
 *   `catchUp: { within }` the most recent missed slot runs once (trigger `catch-up`) if it is
 *   no older than `within`; otherwise, and with `catchUp: skip`, it is recorded `missed`.
 *   Only one `missed` row is written per job however long the downtime: the newest
 *   not-run slot, with `result.missedSlots` (the count, capped at 10,000) and the range.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Config, JobConfig } from '../../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../../memory/store.ts';
import type { JobExecutor } from '../job-executor.ts';
import { RunAbort } from '../job-executor.ts';
import {
  claimRun,
  finishRun,
  listActiveRuns,
  listRuns,
  noteRunError,
  requeueInterrupted,
  requeueRun,
  lastScheduledSlot,
  type RunRecord,
  type RunTrigger,
} from '../../memory/runs.ts';
import { advanceWatermark, getWatermark, markFirstSeen } from '../../memory/job-state.ts';
import { isTransientWriteError, retryWrite } from '../../memory/busy-retry.ts';
import { endDeadRuns } from '../run-liveness.ts';
import { isProcessAlive, processIdentity } from './process-identity.ts';
import { jobTimeZone, latestSlot, nextSlot, slotKey, slotsBetween, systemClock, type Clock, type SlotSchedule } from './slots.ts';

const MISSED_COUNT_CAP = 10_000;
const RETRY_HORIZON_MS = 24 * 3_600_000;
/** A slot this recent at `start()` fell between `recover()` and the first cron tick: run it. */
const START_GAP_MS = 5_000;
/** A slot reached later than this (or half its interval, if shorter) is late: the missed-run policy decides. */
const LATE_GRACE_MS = 60_000;
/** The watchdog's period; a beat this many times later than due means the process stalled or slept. */
const WATCHDOG_MS = 1_000;
const STALL_FACTOR = 3;

export interface SchedulerDeps {
  db: Store;
  config: Config;
  logger: Logger;
  executor: JobExecutor;
  clock?: Clock;
  /** `cron`: node-cron drives ticks (the daemon). `manual`: the caller calls `tick` (tests). */
  ticks?: 'cron' | 'manual';
  /** Liveness of the process that owns a run row; injectable for tests. */
  isAlive?: (pid: number | null, owner: string | null) => boolean;
  /** How often a queued run re-checks a run of its job held by another process (default 1 s). */
  foreignPollMs?: number;
  /**
   * Whether an interrupted run of `job` may be redone on its slot key (its skill's `retrySafe`).
   * Absent: every skill counts as safe (tests without a registry); the daemon always passes it.
   */
  retrySafe?: (job: JobConfig) => boolean;
}

export type TickResult =
  | { kind: 'queued'; run: RunRecord }
  | { kind: 'skipped'; run: RunRecord }
  | { kind: 'already-claimed'; slot: Date; existing: RunRecord }
  | { kind: 'missed'; run: RunRecord }
  /** The claim could not be written yet (database busy, disk full): it is being retried. */
  | { kind: 'deferred'; slot: Date; reason: string }
  | { kind: 'ignored'; reason: string };

export interface RecoveryReport {
  interrupted: RunRecord[];
  retried: RunRecord[];
  caughtUp: RunRecord[];
  missed: RunRecord[];
  /** Jobs seen for the first time: their watermark starts now. */
  firstSeen: string[];
}

export interface Scheduler {
  recover(): RecoveryReport;
  start(): void;
  tick(job: string, at?: Date): TickResult;
  /** Applies a new config: ticks follow the new schedules; running runs are left alone. */
  reload(config: Config): void;
  /** Stops ticking; waits up to `graceMs` for running runs, then aborts them (interrupted). */
  stop(graceMs: number): Promise<void>;
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
  /** The enabled jobs and what each is doing now. */
  jobs(): Array<{ name: string; schedule: SlotSchedule; running: boolean; queued: number }>;
}

interface Pending {
  run: RunRecord;
  job: JobConfig;
}

interface JobEntry {
  name: string;
  job: JobConfig;
  schedule: SlotSchedule;
  task?: ScheduledTask;
  /** The run holding the job: waiting for a concurrency slot or running. */
  active?: Pending & { controller: AbortController; launched: boolean };
  pending: Pending[];
  /** Newest slot this process has handled, to drop duplicate ticks before touching the db. */
  lastSlotMs: number;
  /** The first slot after `lastSlotMs` as of `dueFor`: the watchdog skips the tick before it (no cron parsing each second). */
  nextDueMs?: number;
  dueFor?: number;
  foreignTimer?: NodeJS.Timeout;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { db, executor } = deps;
  const clock = deps.clock ?? systemClock;
  const isAlive = deps.isAlive ?? ((pid, owner) => isProcessAlive(pid, owner));
  const owner = processIdentity();
  let config = deps.config;
  const logger = deps.logger.child({ component: 'scheduler' });
  const entries = new Map<string, JobEntry>();
  const waiting: JobEntry[] = [];
  const idleListeners: Array<() => void> = [];
  const inFlight = new Set<Promise<unknown>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const deferred = new Map<string, Promise<unknown>>();
  /** Aborted when a stop gives up waiting: deferred writes stop retrying (the next start accounts for their slots). */
  const giveUp = new AbortController();
  let running = 0;
  let stopping = false;
  let ticking = false;
  let watchdog: NodeJS.Timeout | undefined;

  function makeEntry(name: string, job: JobConfig, previous?: JobEntry): JobEntry {
    const schedule = { expression: job.schedule, timezone: jobTimeZone(job, config) };
    const watermark = getWatermark(db, name)?.getTime() ?? 0;
    return {
      name,
      job,
      schedule,
      active: previous?.active,
      pending: previous?.pending ?? [],
      lastSlotMs: Math.max(previous?.lastSlotMs ?? 0, watermark),
      foreignTimer: previous?.foreignTimer,
    };
  }

  function buildEntries(): void {
    const previous = new Map(entries);
    entries.clear();
    for (const [name, job] of Object.entries(config.jobs)) {
      if (!job.enabled) continue;
      entries.set(name, makeEntry(name, job, previous.get(name)));
    }
  }
  buildEntries();

  function busy(entry: JobEntry): boolean {
    return entry.active !== undefined || entry.pending.length > 0 || foreignBusy(entry);
  }

  /** Rows this process owns but no longer holds (an end still being written) are not "busy". */
  function foreignBusy(entry: JobEntry): boolean {
    return listActiveRuns(db, entry.name).some(
      (row) =>
        row.id !== entry.active?.run.id &&
        !entry.pending.some((item) => item.run.id === row.id) &&
        row.owner !== owner &&
        isAlive(row.pid, row.owner),
    );
  }

  /** How late `slot` may be reached and still count as on time. */
  function graceFor(entry: JobEntry, slot: Date): number {
    const following = nextSlot(entry.schedule, slot);
    const interval = following ? following.getTime() - slot.getTime() : Infinity;
    return Math.max(1_000, Math.min(LATE_GRACE_MS, interval / 2));
  }

  type Verdict = { kind: 'on-time' } | { kind: 'catch-up' } | { kind: 'missed'; reason: string };

  /** What the missed-run policy says of `slot`, reached at `now` (`cause` says why it is late, when known). */
  function lateness(entry: JobEntry, slot: Date, now: Date, cause: string): Verdict {
    const lateMs = now.getTime() - slot.getTime();
    if (lateMs <= graceFor(entry, slot)) return { kind: 'on-time' };
    const late = `reached ${Math.round(lateMs / 1000)} s after its time (${cause})`;
    const newest = latestSlot(entry.schedule, now);
    if (newest && newest.getTime() > slot.getTime()) return { kind: 'missed', reason: `${late}; a later slot (${newest.toISOString()}) superseded it` };
    const catchUp = entry.job.catchUp;
    if (catchUp === 'skip') return { kind: 'missed', reason: `${late}; catchUp: skip` };
    if (lateMs > catchUp.within) return { kind: 'missed', reason: `${late}; older than catchUp.within (${catchUp.within} ms)` };
    return { kind: 'catch-up' };
  }

  /** Claims `slot` for `entry` and advances the watermark, atomically; defers the claim when the database cannot take it now. */
  function claimSlot(entry: JobEntry, slot: Date, trigger: RunTrigger, cause = 'the process was suspended, the clock jumped or the event loop was blocked'): TickResult {
    entry.lastSlotMs = Math.max(entry.lastSlotMs, slot.getTime());
    try {
      return afterClaim(entry, slot, writeClaim(entry, slot, trigger, cause), trigger);
    } catch (error) {
      if (!isTransientWriteError(error)) throw error;
      return deferClaim(entry, slot, trigger, error);
    }
  }

  function writeClaim(entry: JobEntry, slot: Date, trigger: RunTrigger, cause: string): TickResult {
    const now = clock.now();
    const verdict = trigger === 'schedule' ? lateness(entry, slot, now, cause) : ({ kind: 'on-time' } as Verdict);
    return db.transaction((): TickResult => {
      const base = { job: entry.name, skill: entry.job.skill, slot: slot.toISOString(), idempotencyKey: slotKey(entry.name, slot), now, pid: process.pid, owner };
      if (verdict.kind === 'missed') {
        const claim = claimRun(db, { ...base, trigger, status: 'missed', error: `slot missed: ${verdict.reason}`, result: { missedSlots: 1, from: base.slot, to: base.slot } });
        advanceWatermark(db, entry.name, slot, now);
        return claim.claimed ? { kind: 'missed', run: claim.run } : { kind: 'already-claimed', slot, existing: claim.existing };
      }
      const isBusy = busy(entry);
      const queueFull = entry.job.overlap === 'queue' && entry.pending.length > 0;
      const skip = isBusy && (entry.job.overlap === 'skip' || queueFull);
      const claim = claimRun(db, {
        ...base,
        trigger: verdict.kind === 'catch-up' ? 'catch-up' : trigger,
        status: skip ? 'skipped_overlap' : 'queued',
        error: skip ? (queueFull ? 'a run of this job is already queued' : 'the previous run of this job is still running') : undefined,
      });
      advanceWatermark(db, entry.name, slot, now);
      if (!claim.claimed) return { kind: 'already-claimed', slot, existing: claim.existing };
      return skip ? { kind: 'skipped', run: claim.run } : { kind: 'queued', run: claim.run };
    }).immediate();
  }

  function afterClaim(entry: JobEntry, slot: Date, outcome: TickResult, trigger: RunTrigger): TickResult {
    // A reload may have replaced the entry while a deferred claim waited.
    const current = entries.get(entry.name) ?? entry;
    if (outcome.kind === 'queued') {
      logger.debug({ event: 'slot-claimed', job: entry.name, slot: slot.toISOString(), runId: outcome.run.id, trigger: outcome.run.trigger });
      if (stopping) {
        finishRun(db, outcome.run.id, { status: 'interrupted', at: clock.now(), error: 'the daemon stopped before this run started' });
      } else {
        current.pending.push({ run: outcome.run, job: current.job });
        pump(current);
      }
    } else if (outcome.kind === 'skipped') {
      logger.info({ event: 'slot-skipped', job: entry.name, slot: slot.toISOString(), reason: outcome.run.error });
    } else if (outcome.kind === 'missed') {
      logger.warn({ event: 'slot-missed', job: entry.name, slot: slot.toISOString(), reason: outcome.run.error });
    } else if (outcome.kind === 'already-claimed') {
      logger.debug({ event: 'slot-already-claimed', job: entry.name, slot: slot.toISOString(), by: outcome.existing.pid });
    }
    return outcome;
  }

  /** Keeps trying to record `slot` until the database takes it; the policy then judges its lateness. */
  function deferClaim(entry: JobEntry, slot: Date, trigger: RunTrigger, firstError: unknown): TickResult {
    const key = slotKey(entry.name, slot);
    if (deferred.has(key)) return { kind: 'deferred', slot, reason: String(firstError) };
    const since = clock.now();
    logger.warn({ event: 'slot-claim-deferred', job: entry.name, slot: slot.toISOString(), error: String(firstError) }, 'cannot record the slot yet; retrying until it is recorded');
    const cause = () => `the database could not record it from ${since.toISOString()} to ${clock.now().toISOString()}: ${describeWriteError(firstError)}`;
    const attempt = retryWrite(() => writeClaim(entries.get(entry.name) ?? entry, slot, trigger, cause()), { baseDelayMs: 100, maxDelayMs: 2_000, signal: giveUp.signal })
      .then((outcome) => afterClaim(entry, slot, outcome, trigger))
      .catch((error: unknown) => logger.error({ event: 'slot-claim-failed', job: entry.name, slot: slot.toISOString(), error: String(error) }))
      .finally(() => {
        deferred.delete(key);
        inFlight.delete(attempt);
        notifyIdle();
      });
    deferred.set(key, attempt);
    inFlight.add(attempt);
    return { kind: 'deferred', slot, reason: String(firstError) };
  }

  /** Records `missed` for slots that were never ticked (one row for the gap, on its newest slot). */
  function recordGap(entry: JobEntry, gap: Date[], truncated: boolean, cause: string): void {
    if (gap.length === 0) return;
    const newest = gap[gap.length - 1];
    const count = truncated ? `${gap.length}+` : String(gap.length);
    const write = () =>
      db.transaction(() => {
        const now = clock.now();
        claimRun(db, {
          job: entry.name,
          skill: entry.job.skill,
          slot: newest.toISOString(),
          idempotencyKey: slotKey(entry.name, newest),
          trigger: 'schedule',
          status: 'missed',
          now,
          pid: process.pid,
          owner,
          error: `${count} slot(s) missed (${gap[0].toISOString()} to ${newest.toISOString()}): ${cause}`,
          result: { missedSlots: gap.length, truncated, from: gap[0].toISOString(), to: newest.toISOString() },
        });
        advanceWatermark(db, entry.name, newest, now);
      }).immediate();
    logger.warn({ event: 'slots-missed', job: entry.name, count, from: gap[0].toISOString(), to: newest.toISOString(), cause });
    try {
      write();
    } catch (error) {
      if (!isTransientWriteError(error)) throw error;
      const attempt = retryWrite(write, { maxDelayMs: 2_000, signal: giveUp.signal })
        .catch((failure: unknown) => logger.error({ event: 'slots-missed-unrecorded', job: entry.name, error: String(failure) }))
        .finally(() => inFlight.delete(attempt));
      inFlight.add(attempt);
    }
  }

  function tick(name: string, at: Date = clock.now()): TickResult {
    if (stopping) return { kind: 'ignored', reason: 'stopping' };
    const entry = entries.get(name);
    if (!entry) return { kind: 'ignored', reason: `no enabled job ${name}` };
    const slot = latestSlot(entry.schedule, at);
    if (!slot) return { kind: 'ignored', reason: 'no slot at or before this time' };
    if (slot.getTime() <= entry.lastSlotMs) return { kind: 'ignored', reason: 'slot already handled' };
    if (entry.lastSlotMs > 0) {
      // Slots between the last one handled and this one were never ticked: a suspend, a clock
      // jump or a blocked loop. They are accounted for, not silently dropped.
      const { slots: gap, truncated } = slotsBetween(entry.schedule, new Date(entry.lastSlotMs), new Date(slot.getTime() - 1), MISSED_COUNT_CAP);
      if (gap.length > 0) {
        entry.lastSlotMs = slot.getTime();
        recordGap(entry, gap, truncated, 'the daemon was running but did not reach them (suspended, clock jump or a blocked event loop)');
      }
    }
    return claimSlot(entry, slot, 'schedule');
  }

  function pump(entry: JobEntry): void {
    if (stopping || entry.active || entry.pending.length === 0) return;
    if (foreignBusy(entry)) {
      // Another process (a manual `switchboard run`) holds the job: look again shortly.
      if (!entry.foreignTimer) {
        entry.foreignTimer = setTimeout(() => {
          entry.foreignTimer = undefined;
          pump(entry);
        }, deps.foreignPollMs ?? 1_000);
      }
      return;
    }
    const next = entry.pending.shift()!;
    entry.active = { ...next, controller: new AbortController(), launched: false };
    if (running < config.daemon.concurrency) launch(entry);
    else waiting.push(entry);
  }

  function launch(entry: JobEntry): void {
    const active = entry.active!;
    active.launched = true;
    running++;
    const done = executor
      .execute({ run: active.run, job: active.job, signal: active.controller.signal })
      .then((finished) => scheduleRetry(entry.name, finished))
      .catch((error: unknown) => {
        logger.error({ event: 'executor-error', job: entry.name, runId: active.run.id, error: String(error) });
      })
      .finally(() => {
        running--;
        inFlight.delete(done);
        for (const holder of [entry, entries.get(entry.name)]) if (holder?.active === active) holder.active = undefined;
        while (!stopping && waiting.length > 0 && running < config.daemon.concurrency) launch(waiting.shift()!);
        pump(entry);
        // A reload may have replaced the entry object: keep the current one moving too.
        const current = entries.get(entry.name);
        if (current && current !== entry) pump(current);
        notifyIdle();
      });
    inFlight.add(done);
  }

  function isIdle(): boolean {
    if (running > 0 || waiting.length > 0) return false;
    for (const entry of entries.values()) if (entry.active || entry.pending.length > 0) return false;
    return true;
  }

  function notifyIdle(): void {
    if (!isIdle()) return;
    for (const listener of idleListeners.splice(0)) listener();
  }

  function recover(): RecoveryReport {
    const now = clock.now();
    const report: RecoveryReport = { interrupted: [], retried: [], caughtUp: [], missed: [], firstSeen: [] };
    report.interrupted.push(...endDeadRuns(db, { now, isAlive, logger }));

    for (const entry of entries.values()) {
      if (entry.job.retryInterrupted) {
        const retried = retryNewestInterrupted(entry, now);
        if (retried) report.retried.push(retried);
      }
      if (entry.job.retryFailed.attempts > 0) {
        // A retry timer dies with the process that set it: a restart retries the newest failed run at once.
        const [newestFailed] = listRuns(db, { job: entry.name, statuses: ['failed', 'timed_out'], limit: 1 });
        const retried = newestFailed ? requeueFailed(entry.name, newestFailed) : undefined;
        if (retried) report.retried.push(retried);
      }
      const watermark = getWatermark(db, entry.name) ?? lastScheduledSlot(db, entry.name);
      if (!watermark) {
        markFirstSeen(db, entry.name, now);
        advanceWatermark(db, entry.name, now, now);
        entry.lastSlotMs = now.getTime();
        report.firstSeen.push(entry.name);
        continue;
      }
      entry.lastSlotMs = Math.max(entry.lastSlotMs, watermark.getTime());
      const latest = latestSlot(entry.schedule, now);
      if (!latest || latest.getTime() <= watermark.getTime()) continue;
      const { slots, truncated } = slotsBetween(entry.schedule, watermark, latest, MISSED_COUNT_CAP);
      const catchUp = entry.job.catchUp;
      const runLatest = catchUp !== 'skip' && now.getTime() - latest.getTime() <= catchUp.within;
      if (runLatest) {
        const outcome = claimSlot(entry, latest, 'catch-up');
        if (outcome.kind === 'queued' || outcome.kind === 'skipped') report.caughtUp.push(outcome.run);
        logger.info({ event: 'catch-up', job: entry.name, slot: latest.toISOString(), result: outcome.kind });
      }
      const notRun = runLatest ? slots.slice(0, -1) : slots;
      if (notRun.length > 0) {
        const newest = notRun[notRun.length - 1];
        const count = truncated ? `${notRun.length}+` : notRun.length;
        const claim = db.transaction(() => {
          const result = claimRun(db, {
            job: entry.name,
            skill: entry.job.skill,
            slot: newest.toISOString(),
            idempotencyKey: slotKey(entry.name, newest),
            trigger: 'schedule',
            status: 'missed',
            now,
            pid: process.pid,
            owner,
            error: `${count} slot(s) missed while the daemon was down (${notRun[0].toISOString()} to ${newest.toISOString()})`,
            result: { missedSlots: truncated ? MISSED_COUNT_CAP : notRun.length, truncated, from: notRun[0].toISOString(), to: newest.toISOString() },
          });
          advanceWatermark(db, entry.name, runLatest ? latest : newest, now);
          return result;
        }).immediate();
        if (claim.claimed) report.missed.push(claim.run);
        logger.warn({ event: 'slots-missed', job: entry.name, count, from: notRun[0].toISOString(), to: newest.toISOString() });
      }
      entry.lastSlotMs = Math.max(entry.lastSlotMs, latest.getTime());
    }
    return report;
  }

  /** Whether a failed run may be retried now: a scheduled slot, attempts left, nothing of the job ran after it. */
  function retryable(job: JobConfig, run: RunRecord): boolean {
    if (run.status !== 'failed' && run.status !== 'timed_out') return false;
    if (run.slot.startsWith('manual:') || run.attempt > job.retryFailed.attempts) return false;
    // A failure older than a day is history, not something to retry after a restart.
    if (run.endedAt && clock.now().getTime() - new Date(run.endedAt).getTime() > RETRY_HORIZON_MS) return false;
    const laterWork = db
      .prepare(`SELECT COUNT(*) AS count FROM job_runs WHERE job = ? AND id > ? AND status NOT IN ('missed', 'skipped_overlap')`)
      .get(run.job, run.id) as { count: number };
    return laterWork.count === 0;
  }

  function requeueFailed(name: string, run: RunRecord): RunRecord | undefined {
    const entry = entries.get(name);
    if (stopping || !entry || !retryable(entry.job, run)) return undefined;
    const requeued = requeueRun(db, run.id, run.status as 'failed' | 'timed_out', run.attempt, clock.now(), process.pid, owner);
    if (!requeued) return undefined;
    logger.info({ event: 'run-retry', job: name, runId: requeued.id, key: requeued.idempotencyKey, attempt: requeued.attempt, after: run.status });
    entry.pending.push({ run: requeued, job: entry.job });
    pump(entry);
    return requeued;
  }

  /** After a failed or timed-out run, retries it after `retryFailed.delay` if the job allows. */
  function scheduleRetry(name: string, finished: RunRecord): void {
    const job = entries.get(name)?.job;
    if (stopping || !job || !retryable(job, finished)) return;
    logger.warn({ event: 'run-retry-scheduled', job: name, runId: finished.id, attempt: finished.attempt, inMs: job.retryFailed.delay });
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      requeueFailed(name, finished);
    }, job.retryFailed.delay);
    retryTimers.add(timer);
  }

  function retryNewestInterrupted(entry: JobEntry, now: Date): RunRecord | undefined {
    const [newest] = listRuns(db, { job: entry.name, statuses: ['interrupted'], limit: 1 });
    if (!newest || newest.attempt > 1 || newest.slot.startsWith('manual:')) return undefined;
    // Redoing a run is safe only when its skill says so, and only while the slot is still current.
    const refusal =
      deps.retrySafe && !deps.retrySafe(entry.job)
        ? `not retried: the ${entry.job.skill} skill does not declare this job safe to redo`
        : now.getTime() - new Date(newest.slot).getTime() > entry.job.retryWithin
          ? `not retried: its slot is older than retryWithin (${entry.job.retryWithin} ms)`
          : undefined;
    if (refusal) {
      if (!newest.error?.includes(refusal)) noteRunError(db, newest.id, refusal);
      logger.warn({ event: 'run-not-retried', job: entry.name, runId: newest.id, key: newest.idempotencyKey, reason: refusal });
      return undefined;
    }
    const laterWork = db
      .prepare(
        `SELECT COUNT(*) AS count FROM job_runs WHERE job = ? AND id > ? AND status IN ('running', 'queued', 'succeeded', 'failed', 'timed_out', 'cancelled')`,
      )
      .get(entry.name, newest.id) as { count: number };
    if (laterWork.count > 0) return undefined;
    const requeued = requeueInterrupted(db, newest.id, newest.attempt, now, process.pid, owner);
    if (!requeued) return undefined;
    logger.info({ event: 'run-retry', job: entry.name, runId: requeued.id, key: requeued.idempotencyKey, attempt: requeued.attempt });
    entry.pending.push({ run: requeued, job: entry.job });
    pump(entry);
    return requeued;
  }

  const cronLogger = {
    info: (message: string) => logger.debug({ event: 'cron' }, message),
    warn: (message: string) => logger.warn({ event: 'cron' }, message),
    error: (message: string | Error, error?: Error) => logger.error({ event: 'cron', error: String(error ?? message) }, String(message)),
    debug: (message: string | Error) => logger.debug({ event: 'cron' }, String(message)),
  };

  function safeTick(name: string, at: Date): void {
    try {
      tick(name, at);
    } catch (error) {
      logger.error({ event: 'tick-failed', job: name, error: String(error) });
    }
  }

  function scheduleTasks(): void {
    for (const entry of entries.values()) {
      const task = cron.schedule(entry.schedule.expression, (context) => void safeTick(entry.name, context.date), {
        timezone: entry.schedule.timezone,
        name: entry.name,
        logger: cronLogger,
      });
      // A late heartbeat (blocked event loop) still owes its slot: tick it, the claim decides.
      task.on('execution:missed', (context) => void safeTick(entry.name, context.date));
      entry.task = task;
    }
  }

  function stopTasks(): void {
    for (const entry of entries.values()) {
      void entry.task?.destroy();
      entry.task = undefined;
    }
  }

  /**
   * Ticks every job each second at the clock's time: a slot node-cron did not fire (a suspend,
   * a clock jump, a long block) is still reached, and the policy then judges its lateness.
   */
  function startWatchdog(): void {
    let last = Date.now();
    watchdog = setInterval(() => {
      const gap = Date.now() - last;
      last = Date.now();
      if (gap > WATCHDOG_MS * STALL_FACTOR) logger.warn({ event: 'process-stalled', ms: gap }, 'the process did not run for a while (suspended or blocked)');
      for (const [name, entry] of entries) {
        try {
          const now = clock.now();
          // Nothing can be due before the first slot after the last one handled: the tick would
          // only parse the schedule to say so. Recomputed whenever lastSlotMs moves.
          if (entry.lastSlotMs > 0) {
            if (entry.dueFor !== entry.lastSlotMs) {
              entry.nextDueMs = nextSlot(entry.schedule, new Date(entry.lastSlotMs))?.getTime() ?? Number.POSITIVE_INFINITY;
              entry.dueFor = entry.lastSlotMs;
            }
            if (now.getTime() < entry.nextDueMs!) continue;
          }
          tick(name, now);
        } catch (error) {
          logger.error({ event: 'tick-failed', job: name, error: String(error) });
        }
      }
    }, WATCHDOG_MS);
    watchdog.unref();
  }

  function start(): void {
    if (deps.ticks !== 'manual') {
      ticking = true;
      scheduleTasks();
      startWatchdog();
    }
    const now = clock.now();
    for (const entry of entries.values()) {
      const latest = latestSlot(entry.schedule, now);
      if (latest && latest.getTime() > entry.lastSlotMs && now.getTime() - latest.getTime() <= START_GAP_MS) tick(entry.name, now);
    }
  }

  function reload(next: Config): void {
    if (ticking) stopTasks();
    config = next;
    const now = clock.now();
    for (const [name, job] of Object.entries(next.jobs)) {
      if (!job.enabled || getWatermark(db, name)) continue;
      // A job added by this reload starts from now, like a job first seen at start.
      markFirstSeen(db, name, now);
      advanceWatermark(db, name, now, now);
    }
    buildEntries();
    if (ticking) scheduleTasks();
    logger.info({ event: 'config-reloaded', jobs: entries.size });
  }

  async function stop(graceMs: number): Promise<void> {
    stopping = true;
    clearInterval(watchdog);
    for (const timer of retryTimers) clearTimeout(timer);
    retryTimers.clear();
    if (ticking) stopTasks();
    const now = clock.now();
    const dropped: Pending[] = [];
    for (const entry of [...entries.values(), ...waiting]) {
      clearTimeout(entry.foreignTimer);
      dropped.push(...entry.pending.splice(0));
      if (entry.active && !entry.active.launched) {
        dropped.push(entry.active);
        entry.active = undefined;
      }
    }
    waiting.length = 0;
    for (const item of dropped) {
      finishRun(db, item.run.id, { status: 'interrupted', at: now, error: 'the daemon stopped before this run started' });
    }
    if (inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace-over'>((resolve) => {
        timer = setTimeout(() => resolve('grace-over'), graceMs);
      });
      const result = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'done' as const), graceOver]);
      clearTimeout(timer);
      if (result === 'grace-over') {
        logger.warn({ event: 'shutdown-abort', running: inFlight.size, graceMs });
        giveUp.abort();
        for (const entry of new Set([...entries.values()])) {
          entry.active?.controller.abort(new RunAbort('shutdown', `the daemon stopped; the run exceeded the shutdown grace (${graceMs} ms)`));
        }
        await Promise.allSettled([...inFlight]);
      }
    }
    notifyIdle();
  }

  function idle(): Promise<void> {
    if (isIdle()) return Promise.resolve();
    return new Promise((resolve) => idleListeners.push(resolve));
  }

  function jobs() {
    return [...entries.values()].map((entry) => ({
      name: entry.name,
      schedule: entry.schedule,
      running: entry.active?.launched ?? false,
      queued: entry.pending.length + (entry.active && !entry.active.launched ? 1 : 0),
    }));
  }

  return { recover, start, tick, reload, stop, idle, jobs };
}

function describeWriteError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code} (${message})` : message;
}
