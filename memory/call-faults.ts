/**
 * The failures of model calls that need a person rather than a retry, read back from the
 * ledger: a provider out of credit or quota (`quota_exhausted`), and requests a provider
 * refused for their shape (`invalid_request`, a defect of Switchboard). For `status`, the
 * run view and the briefing.
 */
import type { Store } from './store.ts';

export interface CallFault {
  provider: string;
  model: string;
  kind: 'quota_exhausted' | 'invalid_request';
  /** Calls with this fault since the cut-off. */
  count: number;
  /** ISO time of the latest one. */
  lastAt: string;
  /** The provider's words on the latest one (key already redacted by the provider layer). */
  lastMessage: string;
  runId: number | null;
}

/** Quota and defect failures since `sinceIso`, one row per provider, model and kind, latest first; empty when none. */
export function recentCallFaults(db: Store, sinceIso: string): CallFault[] {
  const rows = db
    .prepare(
      `SELECT provider, model, error_kind AS kind, COUNT(*) AS count, MAX(started_at) AS lastAt,
              (SELECT c2.error_message FROM calls c2 WHERE c2.provider = c.provider AND c2.model = c.model AND c2.error_kind = c.error_kind
                 ORDER BY c2.started_at DESC, c2.id DESC LIMIT 1) AS lastMessage,
              (SELECT c3.run_id FROM calls c3 WHERE c3.provider = c.provider AND c3.model = c.model AND c3.error_kind = c.error_kind
                 ORDER BY c3.started_at DESC, c3.id DESC LIMIT 1) AS runId
       FROM calls c
       WHERE error_kind IN ('quota_exhausted', 'invalid_request') AND started_at >= ?
       GROUP BY provider, model, error_kind
       ORDER BY lastAt DESC`,
    )
    .all(sinceIso) as Array<Omit<CallFault, 'lastMessage'> & { lastMessage: string | null }>;
  return rows.map((row) => ({ ...row, lastMessage: row.lastMessage ?? '' }));
}

/** The same faults of one run, for `runs show`; empty when none. */
export function runCallFaults(db: Store, runId: number): Array<{ model: string; provider: string; kind: string; message: string }> {
  return db
    .prepare(
      `SELECT model, provider, error_kind AS kind, COALESCE(error_message, '') AS message FROM calls
       WHERE run_id = ? AND error_kind IN ('quota_exhausted', 'invalid_request', 'model_not_found', 'refused') ORDER BY id`,
    )
    .all(runId) as Array<{ model: string; provider: string; kind: string; message: string }>;
}
