/**
 * Stored mail extractions and the per-mailbox watermark. The one guarantee that matters:
 * a message's row (with its dates, action items and amounts) and the watermark past its UID
 * are written in one transaction, so a crash leaves either both or neither.
 */
import type { Store } from './store.ts';

export interface Watermark {
  uidValidity: string;
  lastUid: number;
}

export interface StoredDate {
  date: string;
  what: string;
  isDeadline: boolean;
}

export interface StoredActionItem {
  text: string;
  due: string | null;
}

export interface StoredAmount {
  value: number;
  currency: string;
  what: string;
}

/** A message and what was extracted from it (or why extraction failed). */
export interface MessageRecord {
  account: string;
  mailbox: string;
  uidValidity: string;
  uid: number;
  messageId: string | null;
  contentHash: string;
  fromName: string | null;
  fromAddress: string | null;
  subject: string | null;
  /** ISO 8601 UTC. */
  sentAt: string | null;
  size: number;
  oversized: boolean;
  status: 'extracted' | 'failed';
  category: string | null;
  summary: string | null;
  /** The validated extraction, stored as JSON. */
  extraction: unknown;
  error: string | null;
  model: string | null;
  escalated: boolean;
  costUsd: number;
  dates: StoredDate[];
  actionItems: StoredActionItem[];
  amounts: StoredAmount[];
}

/** The watermark of one mailbox, or undefined before its first run. */
export function readWatermark(db: Store, account: string, mailbox: string): Watermark | undefined {
  const row = db
    .prepare('SELECT uidvalidity, last_uid FROM mail_watermarks WHERE account = ? AND mailbox = ?')
    .get(account, mailbox) as { uidvalidity: string; last_uid: number } | undefined;
  return row ? { uidValidity: row.uidvalidity, lastUid: row.last_uid } : undefined;
}

/**
 * Starts a mailbox over under `uidValidity` from UID 0: first sight, or the server changed
 * UIDVALIDITY (every UID may now name another message). Stored rows are kept.
 */
export function resetWatermark(db: Store, account: string, mailbox: string, uidValidity: string, now: Date): void {
  db.prepare(
    `INSERT INTO mail_watermarks (account, mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, 0, ?)
     ON CONFLICT (account, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = 0, updated_at = excluded.updated_at`,
  ).run(account, mailbox, uidValidity, now.toISOString());
}

/**
 * The id of a message of this account already stored with the same content hash (and the
 * same Message-ID when both have one), or undefined. The hash covers the mail's identity
 * headers and body but not its transport headers (skills/email-extract/parse.ts
 * `identityHash`), so a redelivered copy (new Received headers, another UID or mailbox, a
 * new UIDVALIDITY) is found and not extracted twice.
 */
export function findStoredDuplicate(
  db: Store,
  account: string,
  messageId: string | null,
  contentHash: string,
): number | undefined {
  const row = db
    .prepare(
      `SELECT id FROM mail_extractions WHERE account = ? AND content_hash = ?
       AND (message_id IS ? OR message_id IS NULL OR ? IS NULL) LIMIT 1`,
    )
    .get(account, contentHash, messageId, messageId) as { id: number } | undefined;
  return row?.id;
}

export type StoreOutcome = 'stored' | 'skipped' | 'already-done';

/**
 * Stores the message and advances the watermark to its UID in one transaction. Returns
 * 'already-done' without writing when the watermark is already at or past the UID or under
 * another UIDVALIDITY (another run got there first). `timezone` fixes the local `day` of
 * each date-time.
 */
export function storeMessage(db: Store, record: MessageRecord, timezone: string, now: Date): StoreOutcome {
  return db
    .transaction((): StoreOutcome => {
      if (!claimUid(db, record.account, record.mailbox, record.uidValidity, record.uid, now)) return 'already-done';
      const result = db
        .prepare(
          `INSERT INTO mail_extractions (account, mailbox, uidvalidity, uid, message_id, content_hash, from_name,
             from_address, subject, sent_at, size, oversized, status, category, summary, extraction, error, model,
             escalated, cost_usd, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.account,
          record.mailbox,
          record.uidValidity,
          record.uid,
          record.messageId,
          record.contentHash,
          record.fromName,
          record.fromAddress,
          record.subject,
          record.sentAt,
          record.size,
          record.oversized ? 1 : 0,
          record.status,
          record.category,
          record.summary,
          record.extraction === undefined || record.extraction === null ? null : JSON.stringify(record.extraction),
          record.error,
          record.model,
          record.escalated ? 1 : 0,
          record.costUsd,
          now.toISOString(),
        );
      const id = Number(result.lastInsertRowid);
      const insertDate = db.prepare('INSERT INTO mail_dates (extraction_id, date, day, what, is_deadline) VALUES (?, ?, ?, ?, ?)');
      for (const date of record.dates) {
        insertDate.run(id, date.date, localDay(date.date, timezone), date.what, date.isDeadline ? 1 : 0);
      }
      const insertAction = db.prepare('INSERT INTO mail_action_items (extraction_id, text, due, due_day) VALUES (?, ?, ?, ?)');
      for (const item of record.actionItems) {
        insertAction.run(id, item.text, item.due, item.due ? localDay(item.due, timezone) : null);
      }
      const insertAmount = db.prepare('INSERT INTO mail_amounts (extraction_id, value, currency, what) VALUES (?, ?, ?, ?)');
      for (const amount of record.amounts) insertAmount.run(id, amount.value, amount.currency, amount.what);
      db.prepare('INSERT INTO extractions_fts (rowid, subject, summary, action_items) VALUES (?, ?, ?, ?)').run(
        id,
        record.subject ?? '',
        record.summary ?? '',
        record.actionItems.map((item) => item.text).join('\n'),
      );
      return 'stored';
    })
    .immediate();
}

/** Advances the watermark past a message that needs no row (a duplicate); same guard as `storeMessage`. */
export function skipMessage(db: Store, account: string, mailbox: string, uidValidity: string, uid: number, now: Date): StoreOutcome {
  return db.transaction((): StoreOutcome => (claimUid(db, account, mailbox, uidValidity, uid, now) ? 'skipped' : 'already-done')).immediate();
}

/** Compare-and-set inside the caller's transaction: moves the watermark to `uid` if it is behind. */
function claimUid(db: Store, account: string, mailbox: string, uidValidity: string, uid: number, now: Date): boolean {
  const changed = db
    .prepare(
      `UPDATE mail_watermarks SET last_uid = ?, updated_at = ?
       WHERE account = ? AND mailbox = ? AND uidvalidity = ? AND last_uid < ?`,
    )
    .run(uid, now.toISOString(), account, mailbox, uidValidity, uid);
  return changed.changes === 1;
}

/**
 * The local calendar day (YYYY-MM-DD) of an ISO date or date-time in `timeZone`. A bare date
 * is its own day; a date-time is converted from its offset.
 */
export function localDay(iso: string, timeZone: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso.slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export type DueFilter = 'today' | 'tomorrow' | 'this-week' | 'overdue' | 'upcoming';
export const DUE_FILTERS: readonly DueFilter[] = ['today', 'tomorrow', 'this-week', 'overdue', 'upcoming'];

export interface SearchOptions {
  /**
   * today / tomorrow; this-week: today and the 6 days after; overdue: deadlines and action
   * items due before today; upcoming: anything dated today or later.
   */
  due?: DueFilter;
  /**
   * Deadlines and open action items due on these local days (YYYY-MM-DD, inclusive); plain
   * dates do not count. Ignored when `due` is given.
   */
  deadlinesBetween?: { from: string; to: string };
  /** Only messages sent at or after this ISO 8601 UTC instant (stored at or after it, without a Date header). */
  since?: string;
  /** Full-text words over subject, summary and action items (all must match). */
  query?: string;
  /** One category, or any of several. */
  category?: string | readonly string[];
  account?: string;
  status?: 'extracted' | 'failed';
  limit?: number;
  /** The user's time zone, for "today". */
  timezone: string;
  now: Date;
}

export interface DueEntry {
  kind: 'deadline' | 'date' | 'action';
  day: string;
  date: string;
  text: string;
}

export interface InboxItem {
  id: number;
  account: string;
  mailbox: string;
  uid: number;
  fromName: string | null;
  fromAddress: string | null;
  subject: string | null;
  sentAt: string | null;
  category: string | null;
  summary: string | null;
  status: 'extracted' | 'failed';
  error: string | null;
  /** The entries that matched `due` (all dated entries when no `due` was given). */
  due: DueEntry[];
  actionItems: StoredActionItem[];
  amounts: StoredAmount[];
}

/**
 * Messages matching every given filter, soonest matching due day first (with `due`), else
 * newest first. Empty array when nothing matches; a query with no searchable words matches all.
 */
export function searchExtractions(db: Store, options: SearchOptions): InboxItem[] {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
  const today = localDay(options.now.toISOString(), options.timezone);
  const where: string[] = [];
  const parameters: unknown[] = [];
  const categories = typeof options.category === 'string' ? [options.category] : options.category;
  if (categories) {
    where.push(`e.category IN (${categories.map(() => '?').join(', ') || 'NULL'})`);
    parameters.push(...categories);
  }
  if (options.since) {
    where.push('COALESCE(e.sent_at, e.created_at) >= ?');
    parameters.push(options.since);
  }
  if (options.account) {
    where.push('e.account = ?');
    parameters.push(options.account);
  }
  if (options.status) {
    where.push('e.status = ?');
    parameters.push(options.status);
  }
  const match = options.query ? toFtsQuery(options.query) : undefined;
  if (match) {
    where.push('e.id IN (SELECT rowid FROM extractions_fts WHERE extractions_fts MATCH ?)');
    parameters.push(match);
  }
  const range = options.due
    ? dueRange(options.due, today)
    : options.deadlinesBetween
      ? { ...options.deadlinesBetween, deadlinesOnly: true }
      : undefined;
  if (range) {
    where.push(
      `(e.id IN (SELECT extraction_id FROM mail_dates WHERE day >= ? AND day <= ? ${range.deadlinesOnly ? 'AND is_deadline = 1' : ''})
        OR e.id IN (SELECT extraction_id FROM mail_action_items WHERE done = 0 AND due_day >= ? AND due_day <= ?))`,
    );
    parameters.push(range.from, range.to, range.from, range.to);
  }
  const rows = db
    .prepare(
      `SELECT e.id, e.account, e.mailbox, e.uid, e.from_name, e.from_address, e.subject, e.sent_at, e.category,
              e.summary, e.status, e.error
       FROM mail_extractions e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.sent_at DESC, e.id DESC`,
    )
    .all(...parameters) as {
    id: number;
    account: string;
    mailbox: string;
    uid: number;
    from_name: string | null;
    from_address: string | null;
    subject: string | null;
    sent_at: string | null;
    category: string | null;
    summary: string | null;
    status: 'extracted' | 'failed';
    error: string | null;
  }[];

  const datesOf = db.prepare('SELECT date, day, what, is_deadline FROM mail_dates WHERE extraction_id = ? ORDER BY day');
  const actionsOf = db.prepare('SELECT text, due, due_day FROM mail_action_items WHERE extraction_id = ? AND done = 0 ORDER BY id');
  const amountsOf = db.prepare('SELECT value, currency, what FROM mail_amounts WHERE extraction_id = ? ORDER BY id');
  const items = rows.map((row): InboxItem => {
    const dates = datesOf.all(row.id) as { date: string; day: string; what: string; is_deadline: number }[];
    const actions = actionsOf.all(row.id) as { text: string; due: string | null; due_day: string | null }[];
    const due: DueEntry[] = [
      ...dates.map((date) => ({
        kind: date.is_deadline ? ('deadline' as const) : ('date' as const),
        day: date.day,
        date: date.date,
        text: date.what,
      })),
      ...actions
        .filter((action) => action.due_day !== null)
        .map((action) => ({ kind: 'action' as const, day: action.due_day as string, date: action.due as string, text: action.text })),
    ]
      .filter((entry) => !range || (entry.day >= range.from && entry.day <= range.to && (!range.deadlinesOnly || entry.kind !== 'date')))
      .sort((a, b) => a.day.localeCompare(b.day));
    return {
      id: row.id,
      account: row.account,
      mailbox: row.mailbox,
      uid: row.uid,
      fromName: row.from_name,
      fromAddress: row.from_address,
      subject: row.subject,
      sentAt: row.sent_at,
      category: row.category,
      summary: row.summary,
      status: row.status,
      error: row.error,
      due,
      actionItems: actions.map((action) => ({ text: action.text, due: action.due })),
      amounts: amountsOf.all(row.id) as StoredAmount[],
    };
  });
  if (range) items.sort((a, b) => (a.due[0]?.day ?? '').localeCompare(b.due[0]?.day ?? '') || b.id - a.id);
  return items.slice(0, limit);
}

function dueRange(due: DueFilter, today: string): { from: string; to: string; deadlinesOnly: boolean } {
  switch (due) {
    case 'today':
      return { from: today, to: today, deadlinesOnly: false };
    case 'tomorrow':
      return { from: addDays(today, 1), to: addDays(today, 1), deadlinesOnly: false };
    case 'this-week':
      return { from: today, to: addDays(today, 6), deadlinesOnly: false };
    case 'overdue':
      return { from: '0000-01-01', to: addDays(today, -1), deadlinesOnly: true };
    case 'upcoming':
      return { from: today, to: '9999-12-31', deadlinesOnly: false };
  }
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** User words → an FTS5 query of quoted prefix terms, so no input can be FTS syntax. */
function toFtsQuery(query: string): string | undefined {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (!words.length) return undefined;
  return words
    .slice(0, 20)
    .map((word) => `"${word}"*`)
    .join(' ');
}
