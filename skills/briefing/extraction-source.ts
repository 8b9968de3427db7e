/**
 * The `ExtractionSource` over the mail extractions in the store (memory/extractions.ts, filled
 * by the email-extract skill): deadlines and open action items, and recent mail in categories
 * worth a line in the briefing.
 */
import { searchExtractions, type InboxItem } from '../../memory/extractions.ts';
import type { Store } from '../../memory/store.ts';
import { addDays, localDate } from './local-day.ts';
import type { DueItem, ExtractionSource, MailItem } from './types.ts';

/** Categories worth a line in the briefing; newsletters, notifications, shopping and spam are not. */
const IMPORTANT_CATEGORIES = ['personal', 'work', 'finance', 'travel'];
/** How far back an overdue deadline or action item is still shown. */
const OVERDUE_DAYS = 7;
const RECENT_HOURS = 24;
const MAX_ITEMS = 20;

/** A source over the extractions stored in `db`, seen from `now` in `timeZone`. */
export function createStoreExtractionSource(db: Store, now: Date, timeZone: string, maxUnread = 10): ExtractionSource {
  const today = localDate(now, timeZone);
  return {
    async dueSoon(days: number): Promise<DueItem[]> {
      const items = searchExtractions(db, {
        deadlinesBetween: { from: addDays(today, -OVERDUE_DAYS), to: addDays(today, days) },
        limit: MAX_ITEMS,
        timezone: timeZone,
        now,
      });
      const entries = items
        .flatMap((item) => item.due.map((entry) => ({ entry, item })))
        .filter(({ entry }) => entry.kind !== 'date')
        // Deadlines before action items on a day, so the deadline (which carries the amounts) is the one kept.
        .sort((a, b) => a.entry.day.localeCompare(b.entry.day) || b.entry.kind.localeCompare(a.entry.kind) || a.item.id - b.item.id);
      return dedupeDueEntries(entries)
        .slice(0, MAX_ITEMS)
        .map(({ entry, item }) => ({
          kind: entry.kind === 'action' ? ('action' as const) : ('deadline' as const),
          day: entry.day,
          text: entry.text,
          ...(item.subject ? { subject: item.subject } : {}),
          ...(senderName(item) ? { from: senderName(item) } : {}),
          // Amounts belong to the mail, not to one line of it: shown beside its deadlines only.
          ...(entry.kind !== 'action' && item.amounts.length ? { amounts: item.amounts.slice(0, 3).map(formatAmount) } : {}),
        }));
    },
    async importantUnread(): Promise<MailItem[]> {
      const items = searchExtractions(db, {
        status: 'extracted',
        category: IMPORTANT_CATEGORIES,
        since: new Date(now.getTime() - RECENT_HOURS * 3_600_000).toISOString(),
        limit: maxUnread,
        timezone: timeZone,
        now,
      });
      return items.map((item) => ({
        from: item.fromName && item.fromAddress ? `${item.fromName} <${item.fromAddress}>` : (senderName(item) ?? ''),
        subject: item.subject ?? '(no subject)',
        snippet: item.summary ?? '',
        ...(item.sentAt ? { receivedAt: item.sentAt } : {}),
        source: 'mail' as const,
      }));
    },
  };
}

type DueEntryOfMail = { entry: InboxItem['due'][number]; item: InboxItem };

/**
 * One line per thing to do: a deadline and an action item from the same mail on the same day
 * are one (the invoice and "pay the invoice"); the same thing from another mail (a reminder, a
 * forwarded copy, a redelivery) is one too, recognised by the same subject without Re:/Fwd:,
 * or the same amounts, on the same day.
 */
export function dedupeDueEntries(entries: DueEntryOfMail[]): DueEntryOfMail[] {
  const seen = new Set<string>();
  const kept: DueEntryOfMail[] = [];
  for (const candidate of entries) {
    const { entry, item } = candidate;
    const subject = (item.subject ?? '').replace(/^\s*((re|fwd?|aw|tr)\s*:\s*)+/i, '').replace(/\s+/g, ' ').trim().toLowerCase();
    const amounts = item.amounts.map((amount) => `${amount.currency}${amount.value}`).sort().join(',');
    const keys = [
      `mail:${item.id}:${entry.day}`,
      ...(subject ? [`subject:${subject}:${entry.day}`] : []),
      ...(amounts ? [`amounts:${amounts}:${entry.day}`] : []),
      `text:${entry.text.toLowerCase().replace(/\s+/g, ' ').trim()}:${entry.day}`,
    ];
    if (keys.some((key) => seen.has(key))) continue;
    for (const key of keys) seen.add(key);
    kept.push(candidate);
  }
  return kept;
}

/** "€420.00" for a known ISO 4217 code, "XYZ 420" otherwise: never a guess at conversion. */
export function formatAmount(amount: { value: number; currency: string }): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: amount.currency }).format(amount.value);
  } catch {
    return `${amount.currency} ${amount.value}`;
  }
}

function senderName(item: InboxItem): string | undefined {
  return item.fromName ?? item.fromAddress ?? undefined;
}
