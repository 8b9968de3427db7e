/**
 * Per-job state that outlives a process. The scheduler keeps its watermark here: the newest
 * slot it has accounted for (run, skipped or recorded missed), so that after a restart it
 * knows exactly which slots fell in the gap, and a brand-new job starts from the moment it
 * was first seen instead of catching up on history.
 */
import type { Store } from './store.ts';

/** The stored value, or undefined when the job has none under `key`. */
export function getJobState(db: Store, job: string, key: string): string | undefined {
  const row = db.prepare(`SELECT value FROM job_state WHERE job = ? AND key = ?`).get(job, key) as { value: string } | undefined;
  return row?.value;
}

export function setJobState(db: Store, job: string, key: string, value: string, at: Date): void {
  db.prepare(
    `INSERT INTO job_state (job, key, value, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (job, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(job, key, value, at.toISOString());
}

const WATERMARK = 'scheduler.watermark';
const FIRST_SEEN = 'scheduler.first_seen';

/** The newest slot accounted for, or undefined for a job the scheduler has never seen. */
export function getWatermark(db: Store, job: string): Date | undefined {
  const value = getJobState(db, job, WATERMARK);
  return value === undefined ? undefined : new Date(value);
}

/** Moves the watermark forward to `slot`; never backwards (a late writer cannot rewind it). */
export function advanceWatermark(db: Store, job: string, slot: Date, at: Date): void {
  db.prepare(
    `INSERT INTO job_state (job, key, value, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (job, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
     WHERE excluded.value > job_state.value`,
  ).run(job, WATERMARK, slot.toISOString(), at.toISOString());
}

/** When the scheduler first saw `job`; set once. */
export function markFirstSeen(db: Store, job: string, at: Date): void {
  db.prepare(`INSERT INTO job_state (job, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (job, key) DO NOTHING`).run(
    job,
    FIRST_SEEN,
    at.toISOString(),
    at.toISOString(),
  );
}
