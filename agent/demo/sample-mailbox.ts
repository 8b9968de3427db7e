/**
 * The demo's built-in mailbox: the sample .eml files under samples/mail/, with their date
 * placeholders filled in relative to the demo's "now", served through the same `MailSession`
 * interface the IMAP source implements. Read-only and in memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays, localDate } from '../../skills/briefing/local-day.ts';
import type { FetchedMessage, MailSession, MessageSize, OpenMailbox } from '../../skills/email-extract/types.ts';

export const SAMPLE_MAIL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'samples', 'mail');
const UID_VALIDITY = '1';

export interface SampleMessage {
  /** File name, e.g. `invoice.eml`. */
  file: string;
  uid: number;
  source: Buffer;
}

/** "Monday 17 March 2025" for a YYYY-MM-DD day. */
export function longDate(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date(`${day}T12:00:00Z`))
    .replace(',', '');
}

/**
 * Fills `{{sent -15h}}` (an RFC 2822 date that many hours before `now`) and `{{day +2}}` (a
 * long date that many days after today in `timeZone`). Throws on any other placeholder, so a
 * typo in a sample cannot reach the model as literal braces.
 */
export function fillPlaceholders(text: string, now: Date, timeZone: string): string {
  const today = localDate(now, timeZone);
  return text.replace(/\{\{\s*(sent|day)\s+([+-]\d+)(h?)\s*\}\}/g, (_match, kind: string, amount: string, unit: string) => {
    if (kind === 'sent') {
      if (unit !== 'h') throw new Error(`sample mail: {{sent ${amount}}} needs hours, e.g. {{sent -15h}}`);
      return new Date(now.getTime() + Number(amount) * 3_600_000).toUTCString().replace('GMT', '+0000');
    }
    return longDate(addDays(today, Number(amount)));
  }).replace(/\{\{[^}]*\}\}/g, (placeholder) => {
    throw new Error(`sample mail: unknown placeholder ${placeholder}`);
  });
}

/** The sample messages in file-name order, UIDs from 1, dates filled in. */
export function loadSampleMessages(now: Date, timeZone: string, directory = SAMPLE_MAIL_DIR): SampleMessage[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .map((file, index) => ({
      file,
      uid: index + 1,
      // RFC 5322 wants CRLF; the samples are stored with plain newlines for readability.
      source: Buffer.from(fillPlaceholders(readFileSync(join(directory, file), 'utf8'), now, timeZone).replace(/\r?\n/g, '\r\n')),
    }));
}

/** An `OpenMailbox` over `messages`: every account sees the same one INBOX. */
export function sampleMailbox(messages: SampleMessage[]): OpenMailbox {
  return async () => createSampleSession(messages);
}

function createSampleSession(messages: SampleMessage[]): MailSession {
  let opened = false;
  return {
    async open(mailbox) {
      if (mailbox !== 'INBOX') throw new Error(`the demo mailbox has only INBOX, not ${mailbox}`);
      opened = true;
      return { path: 'INBOX', uidValidity: UID_VALIDITY };
    },
    async listAfter(afterUid) {
      if (!opened) throw new Error('open a mailbox first');
      return messages.filter((message) => message.uid > afterUid).map((message) => ({ uid: message.uid, size: message.source.length }));
    },
    async fetchMessages(entries: MessageSize[], maxMessageBytes: number): Promise<FetchedMessage[]> {
      const wanted = new Set(entries.map((entry) => entry.uid));
      return messages
        .filter((message) => wanted.has(message.uid))
        .map((message) => {
          const oversized = message.source.length > maxMessageBytes;
          const source = oversized ? message.source.subarray(0, message.source.indexOf('\r\n\r\n') + 4) : message.source;
          return { uid: message.uid, size: message.source.length, source, oversized };
        });
    },
    async close() {
      opened = false;
    },
  };
}
