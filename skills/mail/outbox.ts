/**
 * The outbox: when no SMTP server is configured, each message is written as an RFC 5322
 * .eml file under `<dataDir>/outbox/`, openable by any mail client.
 */
import { link, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { ensurePrivateDir } from '../../memory/permissions.ts';
import { join } from 'node:path';
import { composeMail } from './compose.ts';
import type { DeliveryReceipt, MailMessage } from './types.ts';

/** `YYYY-MM-DD-<job>.eml`, the date in `timeZone` (default UTC). */
export function outboxFileName(job: string, date: Date, timeZone = 'UTC'): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  const safeJob = job.replace(/[^a-z0-9._-]/gi, '_');
  return `${day}-${safeJob}.eml`;
}

/**
 * Writes the message to `<dataDir>/outbox/YYYY-MM-DD-<job>.eml` (atomically, through a temp
 * file linked into place) and returns its path as the receipt's `location`. A second message
 * for the same job and day never replaces the first: it becomes `...-<job>-2.eml`, then `-3`.
 */
export async function writeOutbox(
  dataDir: string,
  message: MailMessage,
  options: { timeZone?: string } = {},
): Promise<DeliveryReceipt> {
  const composed = await composeMail(message);
  const directory = join(dataDir, 'outbox');
  ensurePrivateDir(dataDir);
  ensurePrivateDir(directory);
  const first = join(directory, outboxFileName(message.job, message.date, options.timeZone));
  const temporary = `${first}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, composed.raw, { mode: 0o600 });
  try {
    for (let copy = 1; ; copy++) {
      const path = copy === 1 ? first : first.replace(/\.eml$/, `-${copy}.eml`);
      try {
        // link() fails on an existing name: an earlier message is never overwritten, even by a racing writer.
        await link(temporary, path);
        return { channel: 'outbox', messageId: composed.messageId, location: path };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || copy >= 1000) throw error;
      }
    }
  } finally {
    await unlink(temporary).catch(() => {});
  }
}
