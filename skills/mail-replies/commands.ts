/**
 * Reading commands out of a reply's text. Only what the owner wrote counts: lines quoted with
 * '>', and everything from the first mark of a quoted original on ("On ... wrote:", an Outlook
 * "Original Message" or underscore separator, a "From:" header block, or the briefing's own
 * heading and footer), are ignored. A command is a whole line: `approve 3 k7f2q9xm4p` or
 * `reject 3 k7f2q9xm4p` (a leading "- " or "#" before the number is allowed).
 */

export interface ReplyCommand {
  decision: 'approve' | 'reject';
  proposalId: number;
  /** Undefined when the line names no token. */
  token?: string;
}

export interface ParsedReply {
  commands: ReplyCommand[];
  /** Lines shaped like a command whose verb is not approve or reject (e.g. "delete 3 abc"). */
  unknown: string[];
  /** Proposals named with both approve and reject: nothing is done for them. */
  conflicting: number[];
}

const QUOTE_START = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^am\b.{0,300}\bschrieb.{0,80}:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^_{10,}$/,
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^begin forwarded message:?$/i,
  // The briefing's own heading and footer (plain text part), copied unquoted by some clients.
  /^morning briefing:/i,
  /^--\s*sent by switchboard/i,
];
/** An Outlook-style header block of the quoted original: "From: ..." then "Sent:"/"Date:" soon after. */
const HEADER_BLOCK = /^(from|von|de)\s*:/i;
const HEADER_FOLLOW = /^(sent|date|to|subject|gesendet|envoyé)\s*:/i;

const COMMAND = /^(?:[-*•]\s*)?([a-z]+)\s+#?(\d{1,9})(?:\s+([0-9a-z]{4,32}))?\s*[.!]?$/i;
const TOKEN_LIKE = /^[0-9a-z]{4,32}$/i;

/** The lines the sender wrote themselves: before any quoted original, without '>' lines. */
export function ownLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const own: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/[\u200b-\u200f\u2060\ufeff]/g, '').trim();
    if (line.startsWith('>') || line.startsWith('|')) continue;
    if (QUOTE_START.some((pattern) => pattern.test(line))) break;
    if (HEADER_BLOCK.test(line) && lines.slice(index + 1, index + 4).some((next) => HEADER_FOLLOW.test(next.trim()))) break;
    own.push(line);
  }
  return own;
}

/** The commands in the owner's own lines; quoted text can add none. */
export function parseReplyCommands(text: string): ParsedReply {
  const commands: ReplyCommand[] = [];
  const unknown: string[] = [];
  for (const line of ownLines(text)) {
    const match = COMMAND.exec(line);
    if (!match) continue;
    const verb = match[1].toLowerCase();
    const token = match[3];
    if (verb !== 'approve' && verb !== 'reject') {
      // "Thanks 2" is not a command; a verb with a token-shaped third word is an attempt at one.
      if (token !== undefined && TOKEN_LIKE.test(token)) unknown.push(line.slice(0, 80));
      continue;
    }
    commands.push({ decision: verb, proposalId: Number(match[2]), ...(token !== undefined ? { token } : {}) });
  }
  const decisions = new Map<number, Set<string>>();
  for (const command of commands) decisions.set(command.proposalId, (decisions.get(command.proposalId) ?? new Set()).add(command.decision));
  const conflicting = [...decisions].filter(([, set]) => set.size > 1).map(([id]) => id);
  // One command per proposal: the first; repeats of the same decision add nothing.
  const seen = new Set<number>();
  const unique = commands.filter((command) => {
    if (conflicting.includes(command.proposalId) || seen.has(command.proposalId)) return false;
    seen.add(command.proposalId);
    return true;
  });
  return { commands: unique, unknown, conflicting };
}

/**
 * The text an HTML-only reply shows as the sender's own: quoted parts (blockquote, Gmail's and
 * Outlook's quote containers) removed before the caller turns the rest into text.
 */
export function withoutQuotedHtml(html: string): string {
  let result = html;
  // Innermost first, until no blockquote is left (nested quotes).
  for (let pass = 0; pass < 20 && /<blockquote\b/i.test(result); pass++) {
    result = result.replace(/<blockquote\b[^>]*>(?:(?!<blockquote\b)[\s\S])*?<\/blockquote>/gi, '');
  }
  result = result.replace(/<blockquote\b[\s\S]*$/i, '');
  return result.replace(/<div[^>]+class=["'][^"']*(gmail_quote|gmail_attr)[^"']*["'][\s\S]*$/i, '').replace(/<div[^>]+id=["']divRplyFwdMsg["'][\s\S]*$/i, '');
}
