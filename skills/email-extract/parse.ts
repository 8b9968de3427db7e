/**
 * Raw RFC 822 → `ParsedEmail` with mailparser: charsets decoded (mailparser falls back to
 * latin1-safe decoding for an unknown declared charset), HTML-only mail converted to the text
 * a reader sees (hidden elements dropped: skills/html/visible-text.ts) without loading anything remote, attachments listed but never read into the prompt, and
 * the body capped for the prompt with a marker.
 */
import { createHash } from 'node:crypto';
import type { AddressObject, EmailAddress } from 'mailparser';
import type { Address, FetchedMessage, ParsedEmail } from './types.ts';
import { visibleText } from '../html/visible-text.ts';

export const DEFAULT_MAX_BODY_CHARS = 12_000;
const MAX_HEADER_CHARS = 500;
const MAX_RECIPIENTS = 20;
const MAX_ATTACHMENTS_LISTED = 30;

export interface ParseOptions {
  /** Longest body text handed on; longer text is cut with a marker. */
  maxBodyChars?: number;
}

/**
 * Parses one fetched message. Never throws for malformed mail: what cannot be parsed becomes
 * a note and an empty field, so a broken message is still stored and the mailbox moves on.
 */
export async function parseEmail(message: FetchedMessage, options: ParseOptions = {}): Promise<ParsedEmail> {
  const maxBodyChars = options.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  const contentHash = identityHash(message.source);
  const notes: string[] = [];
  if (message.oversized) {
    notes.push(`body not downloaded: the message is ${message.size} bytes, over the size cap; headers only`);
  }
  // mailparser (with iconv and its HTML converter) is loaded at the first message, not at start-up.
  const { simpleParser } = await import('mailparser');
  let parsed;
  try {
    parsed = await simpleParser(message.source, {
      // cid: images would otherwise be inlined as data: URLs into `html`; we never use them.
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      // mailparser's own HTML-to-text keeps hidden text; ours drops it (below).
      skipHtmlToText: true,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch (error) {
    notes.push(`could not be parsed as MIME: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
    return {
      messageId: undefined,
      from: undefined,
      to: [],
      cc: [],
      subject: '',
      date: undefined,
      text: '',
      bodyTruncated: false,
      attachments: [],
      notes,
      contentHash,
    };
  }

  // Without a plain part, the text is what a reader of the HTML part would see; `html` is never
  // rendered or fetched from, so remote images and scripts cannot load.
  let text = message.oversized ? '' : (parsed.text ?? '');
  if (!text.trim() && typeof parsed.html === 'string' && !message.oversized) text = visibleText(parsed.html);
  const { value: body, truncated } = capText(normaliseText(text), maxBodyChars);

  const attachments = parsed.attachments.slice(0, MAX_ATTACHMENTS_LISTED).map((attachment) => ({
    filename: clamp(attachment.filename ?? '(unnamed)', 200),
    contentType: clamp(attachment.contentType ?? 'application/octet-stream', 100),
    size: attachment.size ?? attachment.content?.length ?? 0,
  }));
  if (parsed.attachments.length > MAX_ATTACHMENTS_LISTED) {
    notes.push(`${parsed.attachments.length - MAX_ATTACHMENTS_LISTED} more attachments not listed`);
  }

  const date = headerDate(parsed.headerLines, parsed.date);
  return {
    messageId: parsed.messageId ? clamp(parsed.messageId, MAX_HEADER_CHARS) : undefined,
    from: addresses(parsed.from)[0],
    to: addresses(parsed.to).slice(0, MAX_RECIPIENTS),
    cc: addresses(parsed.cc).slice(0, MAX_RECIPIENTS),
    subject: clamp(oneLine(parsed.subject ?? ''), MAX_HEADER_CHARS),
    date,
    text: body,
    bodyTruncated: truncated,
    attachments,
    notes,
    contentHash,
    ...replyReferences(parsed.inReplyTo, parsed.references),
  };
}

/** In-Reply-To and References as one list of Message-IDs; nothing when the message names none. */
function replyReferences(inReplyTo: string | undefined, references: string | string[] | undefined): { replyTo?: string[] } {
  const ids = [inReplyTo ?? '', ...(Array.isArray(references) ? references : [references ?? ''])]
    .flatMap((value) => value.split(/[\s,]+/))
    .map((id) => id.replace(/^<|>$/g, ''))
    .filter((id) => id.length > 0 && id.length <= 400 && !/[<>]/.test(id))
    .map((id) => `<${id}>`)
    .slice(0, 50);
  return ids.length ? { replyTo: [...new Set(ids)] } : {};
}

/** Headers a mail is written with; a delivery adds others (Received, Delivered-To, Return-Path, X-…) but never changes these. */
const IDENTITY_HEADERS = new Set(['message-id', 'from', 'sender', 'to', 'cc', 'subject', 'date', 'in-reply-to', 'references', 'content-type']);

/**
 * SHA-256 (hex) of what makes a mail itself: its identity headers (Message-ID, From, To, Cc,
 * Subject, Date, ...) and its body, not the transport headers each delivery adds. A copy
 * redelivered into another folder, under a new UID or through another relay hashes the same.
 */
export function identityHash(source: Buffer): string {
  const raw = source.toString('latin1');
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers: string[] = [];
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (IDENTITY_HEADERS.has(name)) headers.push(`${name}:${line.slice(colon + 1).replace(/\s+/g, ' ').trim()}`);
  }
  const normalisedBody = body.replace(/\r\n/g, '\n').replace(/\s+$/, '');
  return createHash('sha256').update(headers.join('\n')).update('\n\n').update(normalisedBody, 'latin1').digest('hex');
}

/** Cuts `text` to `max` characters, ending it with a marker that says how much was cut. */
export function capText(text: string, max: number): { value: string; truncated: boolean } {
  if (text.length <= max) return { value: text, truncated: false };
  return { value: `${text.slice(0, max)}\n[… truncated: ${text.length - max} more characters]`, truncated: true };
}

/**
 * The Date header as a Date, or undefined when it is missing or unreadable: mailparser
 * substitutes the current time for an unreadable one, which would misplace every relative date.
 */
function headerDate(headerLines: readonly { key: string; line: string }[], parsed: Date | undefined): Date | undefined {
  const line = headerLines.find((header) => header.key === 'date')?.line;
  if (!line || !parsed || Number.isNaN(parsed.getTime())) return undefined;
  const value = line.slice(line.indexOf(':') + 1).trim();
  return Number.isNaN(Date.parse(value)) ? undefined : parsed;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  const flat: Address[] = [];
  const visit = (entry: EmailAddress) => {
    if (entry.group) entry.group.forEach(visit);
    else flat.push({ name: clamp(oneLine(entry.name ?? ''), 200), address: clamp(entry.address ?? '', 320) });
  };
  objects.forEach((object) => object.value.forEach(visit));
  return flat;
}

function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

function clamp(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
