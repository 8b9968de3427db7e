/**
 * Outgoing mail as plain data: what a skill hands to delivery, and what delivery hands back.
 * Every message carries both an HTML body and its plain-text alternative.
 */

export interface MailMessage {
  subject: string;
  /** The HTML body: self-contained (inline styles, no external assets, no scripts). */
  html: string;
  /** The plain-text alternative, readable on its own. */
  text: string;
  /** Defaults to `mail.smtp.from`, or a local placeholder when writing to the outbox. */
  from?: string;
  /** Defaults to `mail.smtp.to`. */
  to?: string;
  /** The job that produced the message; names the outbox file. */
  job: string;
  /** The message date (also the outbox file's date). */
  date: Date;
  /** Extra headers such as `X-Switchboard-Run`. */
  headers?: Record<string, string>;
}

/** A message turned into RFC 5322 bytes: the same bytes go to SMTP and to the outbox. */
export interface ComposedMail {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

export type DeliveryChannel = 'smtp' | 'outbox';

export interface DeliveryReceipt {
  channel: DeliveryChannel;
  messageId: string;
  /** The .eml path for the outbox; the SMTP server's last response for SMTP. */
  location: string;
}

/** How a skill delivers mail; the daemon builds one with `createMailDelivery`, tests a fake. */
export interface MailDelivery {
  readonly channel: DeliveryChannel;
  deliver(message: MailMessage, signal: AbortSignal): Promise<DeliveryReceipt>;
}
