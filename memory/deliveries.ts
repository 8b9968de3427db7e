/**
 * At-most-once delivery per idempotency key. `deliverOnce` claims the key, runs the side
 * effect, and records the outcome: a key already `sent` is never delivered again, a
 * `failed` (or abandoned `pending`) one is tried again. The side effect is passed in, so
 * this module knows nothing of mail.
 */
import type { Store } from './store.ts';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface DeliveryRecord {
  id: number;
  key: string;
  job: string;
  channel: string | null;
  status: DeliveryStatus;
  messageId: string | null;
  location: string | null;
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** What the side effect reports back on success. */
export interface DeliveryOutcome {
  channel: string;
  messageId: string;
  location: string;
}

export interface DeliverOnceResult {
  /** True when this call performed the delivery; false when the key was already sent. */
  delivered: boolean;
  record: DeliveryRecord;
}

const MAX_ERROR_LENGTH = 500;

interface DeliveryRow {
  id: number;
  key: string;
  job: string;
  channel: string | null;
  status: DeliveryStatus;
  message_id: string | null;
  location: string | null;
  attempts: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** The delivery row for `key`, or undefined when none was ever attempted. */
export function findDelivery(db: Store, key: string): DeliveryRecord | undefined {
  const row = db.prepare('SELECT * FROM deliveries WHERE key = ?').get(key) as DeliveryRow | undefined;
  return row && toRecord(row);
}

/**
 * Runs `deliver` unless `key` is already `sent`. On success the row becomes `sent` with the
 * message id; on failure it becomes `failed` with the error message (truncated) and the
 * error is rethrown. A `pending` row left by a crashed process is retried: a crash between
 * the send and the write can therefore repeat one message, never lose it.
 */
export async function deliverOnce(
  db: Store,
  key: string,
  deliver: () => Promise<DeliveryOutcome>,
  options: { job?: string; now?: () => Date } = {},
): Promise<DeliverOnceResult> {
  const now = options.now ?? (() => new Date());
  const claimed = claim(db, key, options.job ?? '', now().toISOString());
  if (claimed.status === 'sent') return { delivered: false, record: claimed };
  let outcome: DeliveryOutcome;
  try {
    outcome = await deliver();
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    db.prepare("UPDATE deliveries SET status = 'failed', error = ?, updated_at = ? WHERE key = ?").run(
      message,
      now().toISOString(),
      key,
    );
    throw error;
  }
  const at = now().toISOString();
  db.prepare(
    `UPDATE deliveries SET status = 'sent', channel = ?, message_id = ?, location = ?, error = NULL,
       updated_at = ?, sent_at = ? WHERE key = ?`,
  ).run(outcome.channel, outcome.messageId, outcome.location, at, at, key);
  return { delivered: true, record: findDelivery(db, key)! };
}

/** Marks the key `pending` and counts the attempt, unless it is already `sent`; one transaction. */
function claim(db: Store, key: string, job: string, at: string): DeliveryRecord {
  return db
    .transaction(() => {
      db.prepare(
        `INSERT INTO deliveries (key, job, status, attempts, created_at, updated_at)
         VALUES (?, ?, 'pending', 1, ?, ?)
         ON CONFLICT (key) DO UPDATE SET status = 'pending', attempts = attempts + 1, updated_at = excluded.updated_at
         WHERE deliveries.status != 'sent'`,
      ).run(key, job, at, at);
      return findDelivery(db, key)!;
    })
    .immediate();
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    key: row.key,
    job: row.job,
    channel: row.channel,
    status: row.status,
    messageId: row.message_id,
    location: row.location,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}
