/**
 * Replies to the briefing as read from IMAP: each processed once (by server location and by
 * Message-ID), with what was done or refused, for the log, the record and the next briefing.
 * The reader's watermark per mailbox is its own (the extraction keeps another).
 */
import type { Store } from './store.ts';

/** One line of a reply's outcome. `text` quotes nothing from the reply but a proposal number. */
export interface ReplyAction {
  /** `approved`, `rejected`, `failed` (the approved action failed) or `refused` (nothing done). */
  result: 'approved' | 'rejected' | 'failed' | 'refused';
  proposalId?: number;
  /** The proposal's summary when one was decided (shown escaped), or why nothing was done. */
  text: string;
}

export interface ReplyRecord {
  id: number;
  account: string;
  mailbox: string;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  sentAt: string | null;
  status: 'processing' | 'done' | 'duplicate';
  actions: ReplyAction[];
  acted: boolean;
  processedAt: string | null;
}

export interface ReplyLocation {
  account: string;
  mailbox: string;
  uidValidity: string;
  uid: number;
}

export interface ReplyHeaders {
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  sentAt: string | null;
}

export type ReplyClaim =
  /** A new reply (or one whose processing a crash cut short): process it under this id. */
  | { state: 'claimed'; id: number }
  /** Processed before: nothing to do. */
  | { state: 'done'; id: number }
  /** The same Message-ID was processed from another place: recorded as a duplicate, nothing to do. */
  | { state: 'duplicate'; id: number };

/** Claims a reply for processing; one transaction, so two readers cannot both claim it. */
export function claimReply(db: Store, location: ReplyLocation, headers: ReplyHeaders, now: Date): ReplyClaim {
  return db
    .transaction((): ReplyClaim => {
      const existing = db
        .prepare('SELECT id, status FROM mail_replies WHERE account = ? AND mailbox = ? AND uidvalidity = ? AND uid = ?')
        .get(location.account, location.mailbox, location.uidValidity, location.uid) as { id: number; status: ReplyRecord['status'] } | undefined;
      if (existing) return existing.status === 'processing' ? { state: 'claimed', id: existing.id } : { state: existing.status, id: existing.id };
      const seen =
        headers.messageId !== null &&
        db.prepare(`SELECT id FROM mail_replies WHERE message_id = ? AND status != 'duplicate' LIMIT 1`).get(headers.messageId) !== undefined;
      const row = db
        .prepare(
          `INSERT INTO mail_replies (account, mailbox, uidvalidity, uid, message_id, from_address, subject, sent_at, status, created_at, processed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          location.account,
          location.mailbox,
          location.uidValidity,
          location.uid,
          headers.messageId,
          headers.fromAddress,
          headers.subject,
          headers.sentAt,
          seen ? 'duplicate' : 'processing',
          now.toISOString(),
          seen ? now.toISOString() : null,
        ) as { id: number };
      return seen ? { state: 'duplicate', id: row.id } : { state: 'claimed', id: row.id };
    })
    .immediate();
}

/** Records what a claimed reply did; from then on it is never processed again. */
export function finishReply(db: Store, id: number, actions: ReplyAction[], now: Date): void {
  const acted = actions.some((action) => action.result !== 'refused');
  db.prepare(`UPDATE mail_replies SET status = 'done', outcome = ?, acted = ?, processed_at = ? WHERE id = ?`).run(JSON.stringify(actions), acted ? 1 : 0, now.toISOString(), id);
}

interface ReplyRow {
  id: number;
  account: string;
  mailbox: string;
  message_id: string | null;
  from_address: string | null;
  subject: string | null;
  sent_at: string | null;
  status: ReplyRecord['status'];
  outcome: string | null;
  acted: number;
  processed_at: string | null;
}

function toRecord(row: ReplyRow): ReplyRecord {
  return {
    id: row.id,
    account: row.account,
    mailbox: row.mailbox,
    messageId: row.message_id,
    fromAddress: row.from_address,
    subject: row.subject,
    sentAt: row.sent_at,
    status: row.status,
    actions: row.outcome ? (JSON.parse(row.outcome) as ReplyAction[]) : [],
    acted: row.acted === 1,
    processedAt: row.processed_at,
  };
}

/** Replies processed (done, not duplicates) after `since`, oldest first; empty when none. */
export function repliesProcessedSince(db: Store, since: Date, limit = 20): ReplyRecord[] {
  const rows = db
    .prepare(`SELECT * FROM mail_replies WHERE status = 'done' AND processed_at > ? ORDER BY processed_at, id LIMIT ?`)
    .all(since.toISOString(), limit) as ReplyRow[];
  return rows.map(toRecord);
}

/** Every reply, newest first (for tests and `runs show`). */
export function listReplies(db: Store, limit = 50): ReplyRecord[] {
  return (db.prepare('SELECT * FROM mail_replies ORDER BY id DESC LIMIT ?').all(limit) as ReplyRow[]).map(toRecord);
}

export interface ReplyWatermark {
  uidValidity: string;
  lastUid: number;
}

export function readReplyWatermark(db: Store, account: string, mailbox: string): ReplyWatermark | undefined {
  const row = db.prepare('SELECT uidvalidity, last_uid FROM reply_watermarks WHERE account = ? AND mailbox = ?').get(account, mailbox) as
    | { uidvalidity: string; last_uid: number }
    | undefined;
  return row ? { uidValidity: row.uidvalidity, lastUid: row.last_uid } : undefined;
}

/** Sets the watermark (a new UIDVALIDITY starts over at `lastUid`, default 0). */
export function resetReplyWatermark(db: Store, account: string, mailbox: string, uidValidity: string, now: Date, lastUid = 0): void {
  db.prepare(
    `INSERT INTO reply_watermarks (account, mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
  ).run(account, mailbox, uidValidity, lastUid, now.toISOString());
}

/** Moves the watermark forward to `uid` (never back). */
export function advanceReplyWatermark(db: Store, account: string, mailbox: string, uidValidity: string, uid: number, now: Date): void {
  db.prepare(`UPDATE reply_watermarks SET last_uid = ?, updated_at = ? WHERE account = ? AND mailbox = ? AND uidvalidity = ? AND last_uid < ?`).run(
    uid,
    now.toISOString(),
    account,
    mailbox,
    uidValidity,
    uid,
  );
}

/**
 * Which of `messageIds` (as in In-Reply-To and References, angle brackets optional) Switchboard
 * itself sent (a delivered briefing). Empty when none.
 */
export function sentByUs(db: Store, messageIds: readonly string[]): string[] {
  const wanted = [...new Set(messageIds.map(bracketed).filter((id): id is string => id !== undefined))];
  if (wanted.length === 0) return [];
  const rows = db
    .prepare(`SELECT message_id FROM deliveries WHERE status = 'sent' AND message_id IN (${wanted.map(() => '?').join(', ')})`)
    .all(...wanted) as { message_id: string }[];
  return rows.map((row) => row.message_id);
}

function bracketed(id: string): string | undefined {
  const trimmed = id.trim();
  if (!trimmed) return undefined;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}
