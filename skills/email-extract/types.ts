/**
 * The shapes of the email extraction skill: what a mailbox source hands over, what parsing
 * makes of it, and what the model must return. Plain data; behaviour lives beside it.
 */
import type { ImapAccountConfig } from '../../config/schema.ts';

/** A configured IMAP account with its config key. */
export interface MailAccount extends ImapAccountConfig {
  name: string;
}

/** One message as fetched: the raw source, capped at `maxMessageBytes`. */
export interface FetchedMessage {
  uid: number;
  /** Size of the whole message on the server, in bytes. */
  size: number;
  /**
   * The raw RFC 822 source; for a message over the cap, only its header block (the body was
   * never downloaded), with `oversized` set.
   */
  source: Buffer;
  oversized: boolean;
}

/** A mailbox opened for reading, with the server's UIDVALIDITY as a decimal string. */
export interface OpenedMailbox {
  path: string;
  /** UIDVALIDITY as a decimal string: imapflow hands a BigInt, which JSON and SQLite integers mishandle. */
  uidValidity: string;
}

export interface MessageSize {
  uid: number;
  /** RFC822.SIZE on the server, in bytes. */
  size: number;
}

/** A connection to one account. The skill reads through this only, so tests can hand in a fake. */
export interface MailSession {
  /** Selects `mailbox` read-only. Throws when it does not exist. */
  open(mailbox: string): Promise<OpenedMailbox>;
  /** UIDs above `afterUid` in the opened mailbox with their sizes, ascending. Empty when none. */
  listAfter(afterUid: number): Promise<MessageSize[]>;
  /**
   * UIDs of messages that arrived on or after `since`'s day (IMAP SEARCH SINCE, whole days),
   * ascending, with their sizes. Optional: a session without it is read from UID 1.
   */
  listSince?(since: Date): Promise<MessageSize[]>;
  /**
   * Fetches the given messages, ascending by UID: whole sources for those of at most
   * `maxMessageBytes`, headers only (`oversized`) for the rest. An expunged UID is absent.
   */
  fetchMessages(entries: MessageSize[], maxMessageBytes: number): Promise<FetchedMessage[]>;
  close(): Promise<void>;
}

/** Opens a session for an account; the daemon passes `openImapMailbox`, tests a fake or Dovecot. */
export type OpenMailbox = (account: MailAccount, signal: AbortSignal) => Promise<MailSession>;

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
}

export interface Address {
  name: string;
  address: string;
}

/** A parsed message, ready to be shown to the model as data. */
export interface ParsedEmail {
  messageId: string | undefined;
  from: Address | undefined;
  to: Address[];
  cc: Address[];
  subject: string;
  /** The Date header; undefined when missing or unparseable. */
  date: Date | undefined;
  /** Plain text body (HTML converted), capped at `maxBodyChars` with a marker when cut. */
  text: string;
  bodyTruncated: boolean;
  attachments: AttachmentInfo[];
  /** Why part of the message is missing (oversized, unparseable), shown to the model. */
  notes: string[];
  /** SHA-256 hex of the raw source as fetched. */
  contentHash: string;
  /** In-Reply-To and References, as the message names them (untrusted); absent when none. */
  replyTo?: string[];
}

export const CATEGORIES = [
  'personal',
  'work',
  'finance',
  'travel',
  'shopping',
  'newsletter',
  'notification',
  'spam',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What the model extracts from one message, after validation and clamping. */
export interface Extraction {
  category: Category;
  people: { name: string; email: string | null; role: string | null }[];
  /** `date` is an ISO date (YYYY-MM-DD) or a date-time with an offset. */
  dates: { date: string; what: string; isDeadline: boolean }[];
  actionItems: { text: string; due: string | null }[];
  amounts: { value: number; currency: string; what: string }[];
  summary: string;
}
