/**
 * A fetched message read as a possible reply to the briefing: its sender addresses (the
 * addresses, never the display names), Sender header, references, subject and the text its
 * sender wrote (quoted parts of an HTML-only reply removed before it becomes text).
 */
import type { AddressObject, EmailAddress } from 'mailparser';
import { visibleText } from '../html/visible-text.ts';
import { identityHash } from '../email-extract/parse.ts';
import type { FetchedMessage } from '../email-extract/types.ts';
import { withoutQuotedHtml } from './commands.ts';

export interface ReplyMail {
  messageId: string | null;
  /** Every address in From (a well-formed reply has exactly one), lower case. */
  fromAddresses: string[];
  /** The Sender header's address, lower case, when present. */
  senderAddress: string | null;
  subject: string;
  date: Date | null;
  /** In-Reply-To and References. */
  references: string[];
  /** The plain-text part, or the visible text of the HTML part without its quoted parts. */
  text: string;
  contentHash: string;
  oversized: boolean;
}

const MAX_TEXT_CHARS = 20_000;

/** Never throws: an unparseable message reads as one with no sender and no text. */
export async function readReplyMail(message: FetchedMessage): Promise<ReplyMail> {
  const { simpleParser } = await import('mailparser');
  const empty: ReplyMail = {
    messageId: null,
    fromAddresses: [],
    senderAddress: null,
    subject: '',
    date: null,
    references: [],
    text: '',
    contentHash: identityHash(message.source),
    oversized: message.oversized,
  };
  let parsed;
  try {
    parsed = await simpleParser(message.source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, skipHtmlToText: true });
  } catch {
    return empty;
  }
  const sender = parsed.headers.get('sender');
  const senderAddress = sender && typeof sender === 'object' && 'value' in sender ? (addresses(sender as AddressObject)[0] ?? null) : null;
  let text = message.oversized ? '' : (parsed.text ?? '');
  if (!text.trim() && typeof parsed.html === 'string' && !message.oversized) text = visibleText(withoutQuotedHtml(parsed.html));
  const references = [parsed.inReplyTo ?? '', ...(Array.isArray(parsed.references) ? parsed.references : [parsed.references ?? ''])]
    .flatMap((value) => value.split(/[\s,]+/))
    .map((id) => id.replace(/^<|>$/g, ''))
    .filter((id) => id.length > 0 && id.length <= 400)
    .map((id) => `<${id}>`);
  return {
    ...empty,
    messageId: parsed.messageId ? parsed.messageId.slice(0, 500) : null,
    fromAddresses: addresses(parsed.from),
    senderAddress,
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, 300),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    references: [...new Set(references)].slice(0, 50),
    text: text.slice(0, MAX_TEXT_CHARS),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const flat: string[] = [];
  const visit = (entry: EmailAddress) => {
    if (entry.group) entry.group.forEach(visit);
    else flat.push((entry.address ?? '').trim().toLowerCase());
  };
  (Array.isArray(field) ? field : [field]).forEach((object) => object.value.forEach(visit));
  return flat;
}
