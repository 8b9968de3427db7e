/**
 * Choosing the channel once, at start-up: SMTP when `mail.smtp` is configured, the outbox
 * otherwise. Skills receive the resulting `MailDelivery` and never look at the config.
 */
import type { SmtpConfig } from '../../config/schema.ts';
import { writeOutbox } from './outbox.ts';
import { sendMail } from './smtp.ts';
import type { MailDelivery } from './types.ts';

export interface MailDeliveryOptions {
  smtp?: SmtpConfig;
  dataDir: string;
  /** Time zone for outbox file names. */
  timeZone?: string;
}

/** A delivery that sends through SMTP when configured, else writes .eml files to the outbox. */
export function createMailDelivery(options: MailDeliveryOptions): MailDelivery {
  const smtp = options.smtp;
  if (smtp) {
    return { channel: 'smtp', deliver: (message, signal) => sendMail(smtp, message, signal) };
  }
  return {
    channel: 'outbox',
    deliver: async (message, signal) => {
      signal.throwIfAborted();
      return writeOutbox(options.dataDir, message, { timeZone: options.timeZone });
    },
  };
}
