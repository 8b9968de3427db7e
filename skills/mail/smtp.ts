/**
 * Sending one message over SMTP with nodemailer. No pooling and no retries here: a failed
 * send throws, and the delivery record (memory/deliveries.ts) decides whether a later run
 * tries again.
 */
import type { SmtpConfig } from '../../config/schema.ts';
import { composeMail } from './compose.ts';
import type { DeliveryReceipt, MailMessage } from './types.ts';

const CONNECTION_TIMEOUT_MS = 30_000;

/**
 * Sends `message` (sender and recipient default to `smtp.from`/`smtp.to`). Resolves with the
 * Message-ID and the server's response; rejects on refusal, a network error or `signal`
 * aborting (the connection is closed). Error messages never include the password.
 */
export async function sendMail(smtp: SmtpConfig, message: MailMessage, signal: AbortSignal): Promise<DeliveryReceipt> {
  signal.throwIfAborted();
  const composed = await composeMail({ ...message, from: message.from ?? smtp.from, to: message.to ?? smtp.to });
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ignoreTLS: smtp.ignoreTLS,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: CONNECTION_TIMEOUT_MS,
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await transport.sendMail({ envelope: composed.envelope, raw: composed.raw });
    signal.throwIfAborted();
    if (info.rejected.length > 0) {
      throw new Error(`SMTP ${smtp.host}:${smtp.port} rejected recipients: ${info.rejected.map(String).join(', ')}`);
    }
    return { channel: 'smtp', messageId: composed.messageId, location: `${smtp.host}:${smtp.port} ${info.response}` };
  } catch (error) {
    signal.throwIfAborted();
    throw new Error(`SMTP ${smtp.host}:${smtp.port}: ${describe(error, smtp.password)}`, { cause: error });
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

function describe(error: unknown, password: string | undefined): string {
  const text = error instanceof Error ? error.message : String(error);
  return password && password.length >= 4 ? text.split(password).join('[redacted]') : text;
}
