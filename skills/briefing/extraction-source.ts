/**
 * The default `ExtractionSource`: reads the mail extraction tables (mail_extractions,
 * mail_dates, mail_action_items, from migration 003 on the email branch) when they exist, so
 * the briefing works before and after that branch is merged.
 */
import type { Store } from '../../memory/store.ts';
import { addDays, localDate } from './local-day.ts';
import type { DueItem, ExtractionSource, MailItem } from './types.ts';

const REQUIRED_TABLES = ['mail_extractions', 'mail_dates', 'mail_action_items'];
/** Categories worth a line in the briefing; newsletters, notifications, shopping and spam are not. */
const IMPORTANT_CATEGORIES = ['personal', 'work', 'finance', 'travel'];
const OVERDUE_DAYS = 7;
const RECENT_HOURS = 24;
const MAX_ITEMS = 20;

/** A source over the extraction tables in `db`, or undefined when they do not exist. */
export function createTableExtractionSource(db: Store, now: Date, timeZone: string, maxUnread = 10): ExtractionSource | undefined {
  const present = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${REQUIRED_TABLES.map(() => '?').join(', ')})`)
    .all(...REQUIRED_TABLES) as { name: string }[];
  if (present.length < REQUIRED_TABLES.length) return undefined;
  const today = localDate(now, timeZone);
  return {
    async dueSoon(days: number): Promise<DueItem[]> {
      const from = addDays(today, -OVERDUE_DAYS);
      const until = addDays(today, days);
      const rows = db
        .prepare(
          `SELECT 'deadline' AS kind, d.day AS day, d.what AS text, e.subject AS subject,
                  COALESCE(e.from_name, e.from_address) AS sender
           FROM mail_dates d JOIN mail_extractions e ON e.id = d.extraction_id
           WHERE d.is_deadline = 1 AND d.day >= ? AND d.day <= ?
           UNION ALL
           SELECT 'action', a.due_day, a.text, e.subject, COALESCE(e.from_name, e.from_address)
           FROM mail_action_items a JOIN mail_extractions e ON e.id = a.extraction_id
           WHERE a.done = 0 AND a.due_day IS NOT NULL AND a.due_day >= ? AND a.due_day <= ?
           ORDER BY day, kind LIMIT ${MAX_ITEMS}`,
        )
        .all(from, until, from, until) as { kind: 'deadline' | 'action'; day: string; text: string; subject: string | null; sender: string | null }[];
      return rows.map((row) => ({
        kind: row.kind,
        day: row.day,
        text: row.text,
        ...(row.subject ? { subject: row.subject } : {}),
        ...(row.sender ? { from: row.sender } : {}),
      }));
    },
    async importantUnread(): Promise<MailItem[]> {
      const since = new Date(now.getTime() - RECENT_HOURS * 3_600_000).toISOString();
      const rows = db
        .prepare(
          `SELECT from_name, from_address, subject, summary, COALESCE(sent_at, created_at) AS received_at
           FROM mail_extractions
           WHERE status = 'extracted' AND category IN (${IMPORTANT_CATEGORIES.map(() => '?').join(', ')})
             AND COALESCE(sent_at, created_at) >= ?
           ORDER BY received_at DESC LIMIT ?`,
        )
        .all(...IMPORTANT_CATEGORIES, since, maxUnread) as {
        from_name: string | null;
        from_address: string | null;
        subject: string | null;
        summary: string | null;
        received_at: string;
      }[];
      return rows.map((row) => ({
        from: row.from_name && row.from_address ? `${row.from_name} <${row.from_address}>` : (row.from_name ?? row.from_address ?? ''),
        subject: row.subject ?? '(no subject)',
        snippet: row.summary ?? '',
        receivedAt: row.received_at,
        source: 'mail',
      }));
    },
  };
}
