/**
 * Turning a `MailMessage` into RFC 5322 bytes with nodemailer's stream transport, so that
 * the outbox file and the SMTP DATA are byte for byte the same message.
 */
import type { ComposedMail, MailMessage } from './types.ts';

/** Used when no SMTP sender is configured and the message only goes to the outbox. */
export const OUTBOX_ADDRESS = 'switchboard@localhost';

/**
 * Builds the MIME message (multipart/alternative: text/plain then text/html, CRLF line ends).
 * Throws when the message has no recipient or no sender after defaults.
 */
export async function composeMail(message: MailMessage): Promise<ComposedMail> {
  const from = message.from ?? OUTBOX_ADDRESS;
  const to = message.to ?? OUTBOX_ADDRESS;
  if (!from.trim()) throw new Error('mail message has an empty sender (mail.smtp.from)');
  if (!to.trim()) throw new Error('mail message has an empty recipient (mail.smtp.to)');
  // Loaded at the first message composed, not when the daemon starts.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({
    from,
    to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    date: message.date,
    headers: message.headers,
    textEncoding: 'quoted-printable',
  });
  transport.close();
  return {
    raw: info.message as Buffer,
    messageId: info.messageId,
    envelope: { from: info.envelope.from || from, to: info.envelope.to },
  };
}
