/**
 * Slot math: which instants a job's cron schedule names. A slot is a UTC instant, so the
 * idempotency key `job@<ISO>` of a slot is the same in every process and after a restart.
 *
 * Daylight-saving semantics (cron-parser 5, checked in test/scheduler/dst-slots.test.ts):
 * - Spring forward: a wall time inside the skipped hour (02:30 on a day that jumps 02:00 →
 *   03:00) is shifted forward and fires once, an hour late (at 03:30 local).
 * - Fall back: a fixed wall time inside the repeated hour (02:30 on a day that goes 03:00 →
 *   02:00) fires once, at its first occurrence. Schedules that name every hour ("0 * * * *",
 *   "*\/15 * * * *") fire on both passes: those are distinct instants, one slot each.
 * Every function walks forward with `next()`: cron-parser's `prev()` returns both passes of a
 * repeated fixed time, so `latestSlot` only accepts an instant that forward iteration also yields.
 */
import { CronExpressionParser } from 'cron-parser';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface SlotSchedule {
  /** Cron expression, 5 fields (minutes) or 6 fields (seconds first). */
  expression: string;
  /** IANA time zone the expression's wall times are read in. */
  timezone: string;
}

export { hostTimeZone } from '../../config/owner-time-zone.ts';
import { hostTimeZone } from '../../config/owner-time-zone.ts';

/** The zone a job's schedule is read in: the job's, then the config's top-level, then the host's. */
export function jobTimeZone(job: { timezone?: string }, config: { timezone?: string }): string {
  return job.timezone ?? config.timezone ?? hostTimeZone();
}

/** Throws cron-parser's message when the expression or zone is invalid; returns nothing otherwise. */
export function assertSchedule(schedule: SlotSchedule): void {
  CronExpressionParser.parse(schedule.expression, { tz: schedule.timezone, currentDate: new Date(0) }).next();
}

/** The first slot strictly after `after`; null when the expression names no future instant. */
export function nextSlot(schedule: SlotSchedule, after: Date): Date | null {
  const iterator = CronExpressionParser.parse(schedule.expression, { tz: schedule.timezone, currentDate: after });
  if (!iterator.hasNext()) return null;
  return iterator.next().toDate();
}

/** The latest slot at or before `at`; null when there is none. */
export function latestSlot(schedule: SlotSchedule, at: Date): Date | null {
  const iterator = CronExpressionParser.parse(schedule.expression, {
    tz: schedule.timezone,
    currentDate: new Date(at.getTime() + 1),
  });
  // prev() may name the second pass of a repeated fixed time, which forward iteration skips.
  // Step back three candidates, then walk forward from there: the forward walk is the truth.
  let anchor: Date | null = null;
  for (let step = 0; step < 3 && iterator.hasPrev(); step++) anchor = iterator.prev().toDate();
  if (!anchor) return null;
  let latest: Date | null = null;
  let cursor = new Date(anchor.getTime() - 1);
  while (true) {
    const slot = nextSlot(schedule, cursor);
    if (!slot || slot.getTime() > at.getTime()) return latest;
    latest = slot;
    cursor = slot;
  }
}

/**
 * Slots in (`from`, `to`], oldest first, at most `limit` of them (the oldest ones).
 * `truncated` says whether more slots lie in the window.
 */
export function slotsBetween(
  schedule: SlotSchedule,
  from: Date,
  to: Date,
  limit = 10_000,
): { slots: Date[]; truncated: boolean } {
  const slots: Date[] = [];
  let cursor = from;
  while (true) {
    const slot = nextSlot(schedule, cursor);
    if (!slot || slot.getTime() > to.getTime()) return { slots, truncated: false };
    if (slots.length === limit) return { slots, truncated: true };
    slots.push(slot);
    cursor = slot;
  }
}

/** The idempotency key of a scheduled slot: stable across processes and restarts. */
export function slotKey(job: string, slot: Date): string {
  return `${job}@${slot.toISOString()}`;
}

/** The key of a manual run: its own, so it never takes a scheduled slot. */
export function manualKey(job: string, at: Date): string {
  return `${job}@manual:${at.toISOString()}`;
}
