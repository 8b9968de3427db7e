/**
 * Runs whose process died: every command that reads runs calls `endDeadRuns` first, so a
 * `switchboard run` killed with -9, or a daemon that crashed, never leaves a row `running` in
 * `runs` or `status` until the next daemon start. The daemon (and `switchboard run`) also
 * ends the orphaned process groups of such runs (`endOrphanGroups`).
 */
import type { Logger } from './logger.ts';
import type { Store } from '../memory/store.ts';
import { finishRun, listActiveRuns, listRunsWithProcessGroup, recordStep, setRunProcessGroup, type RunRecord } from '../memory/runs.ts';
import { isProcessAlive } from './scheduler/process-identity.ts';
import { failInterruptedApprovals } from '../memory/approvals.ts';
import { endGroupNow, groupBelongsToRun, groupMembers } from './process-groups.ts';

export interface LivenessOptions {
  now?: Date;
  isAlive?: (pid: number | null, owner: string | null) => boolean;
  logger?: Logger;
}

/**
 * Marks `interrupted` every queued or running row whose owning process is gone, with an
 * `interruption` step; returns the rows it ended (as they were). A locked database leaves the
 * rows for the next reader: it never throws for that.
 */
export function endDeadRuns(db: Store, options: LivenessOptions = {}): RunRecord[] {
  const now = options.now ?? new Date();
  const isAlive = options.isAlive ?? ((pid, owner) => isProcessAlive(pid, owner));
  const ended: RunRecord[] = [];
  let active: RunRecord[];
  try {
    active = listActiveRuns(db);
  } catch (error) {
    options.logger?.warn({ event: 'dead-run-check-failed', error: String(error) });
    return ended;
  }
  for (const row of active) {
    if (isAlive(row.pid, row.owner)) continue;
    const beat = row.heartbeatAt ? `, last heartbeat ${row.heartbeatAt}` : '';
    try {
      const done = db.transaction(() => {
        const changed = finishRun(db, row.id, {
          status: 'interrupted',
          at: now,
          error: `the process running it (pid ${row.pid ?? '?'}) stopped before it finished${beat}`,
        });
        if (changed) {
          recordStep(db, row.id, {
            step: 0,
            kind: 'interruption',
            outcome: 'interrupted',
            detail: { attempt: row.attempt, pid: row.pid, startedAt: row.startedAt, heartbeatAt: row.heartbeatAt, detectedAt: now.toISOString() },
            at: now,
          });
        }
        return changed;
      }).immediate();
      if (!done) continue;
    } catch (error) {
      options.logger?.warn({ event: 'dead-run-check-failed', runId: row.id, error: String(error) });
      continue;
    }
    ended.push(row);
    options.logger?.warn({ event: 'run-interrupted', job: row.job, runId: row.id, key: row.idempotencyKey, pid: row.pid });
  }
  // Approved proposals whose running process died are ended the same way, by the same readers.
  try {
    const failed = failInterruptedApprovals(db, (pid, identity) => isAlive(pid, identity), now);
    for (const id of failed) options.logger?.warn({ event: 'approval-interrupted', proposal: id });
  } catch (error) {
    options.logger?.warn({ event: 'dead-approval-check-failed', error: String(error) });
  }
  return ended;
}

/**
 * Ends the process groups left by runs that are over (their process died, or it could not
 * kill them): SIGTERM, then SIGKILL after `graceMs`. A group is touched only when one of its
 * processes carries the run's id in its environment, so a reused pgid is never signalled.
 * Blocks until they are gone (at most about `graceMs` per group); returns the run ids whose group was ended.
 */
export function endOrphanGroups(db: Store, options: { logger?: Logger; graceMs?: number } = {}): number[] {
  const ended: number[] = [];
  let rows: RunRecord[];
  try {
    rows = listRunsWithProcessGroup(db);
  } catch {
    return ended;
  }
  for (const row of rows) {
    const pgid = row.pgid!;
    if (groupMembers(pgid).length > 0 && groupBelongsToRun(pgid, row.id)) {
      options.logger?.warn({ event: 'orphans-ended', job: row.job, runId: row.id, pgid }, 'ending the processes left by a run that died');
      endGroupNow(pgid, options.graceMs ?? 2_000);
      ended.push(row.id);
    }
    try {
      setRunProcessGroup(db, row.id, null);
    } catch {
      // Kept: the next start looks again.
    }
  }
  return ended;
}
