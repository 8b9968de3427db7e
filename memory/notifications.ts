/**
 * Urgent items worth a push (a new approval waiting, a failed run, a dead model, a budget cap
 * acting), read from the tables that already record them, and the record of which were pushed:
 * each item is claimed once, so it is pushed at most once across restarts and processes.
 */
import type { Store } from './store.ts';

export const URGENT_KINDS = ['approval', 'run-failed', 'dead-model', 'budget-cap'] as const;
export type UrgentKind = (typeof URGENT_KINDS)[number];

export interface UrgentItem {
  kind: UrgentKind;
  /** Unique per item: `proposal:12`, `run:40`, `dead-model:gpt-x:<time>`, `budget:<day>:<cap>:<kind>`. */
  key: string;
  title: string;
  /** One or two lines; a run's error (secrets redacted) at most, never a mail's or page's words. */
  message: string;
  at: string;
}

/** Urgent items recorded at or after `since`, oldest first; empty when none. */
export function urgentItemsSince(db: Store, since: Date): UrgentItem[] {
  const from = since.toISOString();
  const items: UrgentItem[] = [];
  const proposals = db
    .prepare(`SELECT id, kind, created_at FROM proposals WHERE state = 'pending' AND created_at >= ? ORDER BY id`)
    .all(from) as { id: number; kind: string; created_at: string }[];
  for (const proposal of proposals) {
    items.push({
      kind: 'approval',
      key: `proposal:${proposal.id}`,
      title: `Approval waiting: #${proposal.id} ${proposal.kind}`,
      // The summary stays home: it quotes a mail or a page, and the push server may be a public one.
      message: `A ${proposal.kind} waits for your decision: switchboard approvals show ${proposal.id} (or the dashboard, or reply to the briefing).`,
      at: proposal.created_at,
    });
  }
  const runs = db
    .prepare(`SELECT id, job, status, error, ended_at FROM job_runs WHERE status IN ('failed', 'timed_out') AND ended_at >= ? ORDER BY ended_at, id`)
    .all(from) as { id: number; job: string; status: string; error: string | null; ended_at: string }[];
  for (const run of runs) {
    items.push({
      kind: 'run-failed',
      key: `run:${run.id}`,
      title: `Job ${run.job} ${run.status === 'timed_out' ? 'timed out' : 'failed'} (run #${run.id})`,
      message: `${run.error ?? run.status}\nswitchboard runs show ${run.id}`,
      at: run.ended_at,
    });
  }
  const dead = db
    .prepare(`SELECT model, provider, status, message, detected_at FROM dead_models WHERE detected_at >= ? ORDER BY detected_at`)
    .all(from) as { model: string; provider: string; status: number | null; message: string; detected_at: string }[];
  for (const model of dead) {
    items.push({
      kind: 'dead-model',
      key: `dead-model:${model.model}:${model.detected_at}`,
      title: `Model ${model.model} is gone (${model.provider}${model.status ? ` ${model.status}` : ''})`,
      message: `${model.message}\nIt is skipped until its config or catalogue entry changes: switchboard doctor`,
      at: model.detected_at,
    });
  }
  const caps = db
    .prepare(
      // The cap's words carry the spend at that call ("daily total cap $5.0000 reached (spent ...)"):
      // one item per cap, kind and day, named by the words before " reached".
      `SELECT day, kind, MIN(at) AS at, COUNT(*) AS calls,
              CASE WHEN instr(cap, ' reached') > 0 THEN substr(cap, 1, instr(cap, ' reached') - 1) ELSE cap END AS cap
       FROM budget_events WHERE at >= ? AND kind IN ('downgrade', 'defer')
       GROUP BY day, kind, 5 ORDER BY MIN(at)`,
    )
    .all(from) as { day: string; cap: string; kind: string; at: string; calls: number }[];
  for (const cap of caps) {
    items.push({
      kind: 'budget-cap',
      key: `budget:${cap.day}:${cap.cap}:${cap.kind}`,
      title: `Budget cap reached: ${cap.cap}`,
      message: `${cap.kind === 'defer' ? 'Calls are deferred' : 'Calls are downgraded to a cheaper tier'} (${cap.calls} so far, ${cap.day}). switchboard bill`,
      at: cap.at,
    });
  }
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Claims `item` for pushing on `channel`; false when it was claimed before (pushed or tried). */
export function claimNotification(db: Store, item: UrgentItem, channel: string, now: Date): boolean {
  return (
    db
      .prepare(`INSERT INTO notifications (key, channel, title, status, created_at) VALUES (?, ?, ?, 'sending', ?) ON CONFLICT (key) DO NOTHING`)
      .run(item.key, channel, item.title.slice(0, 200), now.toISOString()).changes === 1
  );
}

/** Records how a claimed push ended; `error` must hold no secret. */
export function recordNotification(db: Store, key: string, outcome: { status: 'sent' } | { status: 'failed'; error: string }): void {
  db.prepare('UPDATE notifications SET status = ?, error = ? WHERE key = ?').run(outcome.status, outcome.status === 'failed' ? outcome.error.slice(0, 500) : null, key);
}

export interface NotificationRecord {
  key: string;
  channel: string;
  title: string;
  status: 'sending' | 'sent' | 'failed';
  error: string | null;
}

/** Every push recorded, oldest first. */
export function listNotifications(db: Store): NotificationRecord[] {
  return db.prepare('SELECT key, channel, title, status, error FROM notifications ORDER BY rowid').all() as NotificationRecord[];
}
