/**
 * The outbox: when no SMTP server is configured, each message is written as an RFC 5322
 * .eml file under `<dataDir>/outbox/`, openable by any mail client.
 */
import { rename, writeFile } from 'node:fs/promises';
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
 * file and rename) and returns its path as the receipt's `location`. A second message for
 * the same job and day replaces the first.
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
  const path = join(directory, outboxFileName(message.job, message.date, options.timeZone));
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, composed.raw, { mode: 0o600 });
  await rename(temporary, path);
  return { channel: 'outbox', messageId: composed.messageId, location: path };
}
