/**
 * Code follow-ups: open action items extracted from mail (memory/extractions.ts) whose text
 * names one of the code-edit allowed repositories by its folder's name. The text is untrusted
 * mail content: it only ever becomes the task of a code edit confined to that repository
 * (capped in length, stripped of control characters), never a command, and a job never runs
 * it: it becomes a proposal the owner approves (memory/approvals.ts).
 */
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Store } from '../../memory/store.ts';

/** Longer action items are cut: a task is a sentence or two, not a mail body. */
export const MAX_FOLLOW_UP_TASK_CHARS = 500;

export interface CodeFollowUp {
  /** The action item's id (`mail_action_items.id`): what `switchboard code --follow-up` takes. */
  id: number;
  /** The allowed repository the text names, as an absolute path. */
  repo: string;
  /** The action item's text, capped at MAX_FOLLOW_UP_TASK_CHARS; untrusted. */
  task: string;
  subject: string | null;
  from: string | null;
  /** The mail's Message-ID header (untrusted), when it had one. */
  messageId: string | null;
  /** The sender's address (untrusted: a From header can be spoofed). */
  fromAddress: string | null;
}

interface ActionRow {
  id: number;
  text: string;
  subject: string | null;
  from_name: string | null;
  from_address: string | null;
  message_id: string | null;
}

/** `~` and relative paths made absolute, as the skill resolves them. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(path);
}

/** `skills.code-edit.allowedRepos` as absolute paths; empty when unset or not a list of strings. */
export function allowedReposFromSettings(settings: Record<string, unknown> | undefined): string[] {
  const value = settings?.allowedRepos;
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '').map(expandHome);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The first allowed repository whose folder name `text` holds as a whole word, case-insensitive.
 * Letters, digits, `_` and `-` count as part of a word, so `api` matches "fix the api."
 * but neither "rapid" nor "api-gateway".
 */
export function repoNamedIn(text: string, allowedRepos: readonly string[]): string | undefined {
  return allowedRepos.find((repo) => {
    const name = basename(repo);
    if (!name) return false;
    return new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRegExp(name)}(?![\\p{L}\\p{N}_-])`, 'iu').test(text);
  });
}

/** Control and bidi-override characters out, whitespace collapsed, cut at the cap. */
function cleanTask(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_FOLLOW_UP_TASK_CHARS ? clean.slice(0, MAX_FOLLOW_UP_TASK_CHARS).trimEnd() : clean;
}

function toFollowUp(row: ActionRow, repo: string): CodeFollowUp {
  return {
    id: row.id,
    repo,
    task: cleanTask(row.text),
    subject: row.subject,
    from: row.from_name ?? row.from_address,
    messageId: row.message_id,
    fromAddress: row.from_address,
  };
}

const SELECT_OPEN = `SELECT a.id, a.text, e.subject, e.from_name, e.from_address, e.message_id
  FROM mail_action_items a JOIN mail_extractions e ON e.id = a.extraction_id
  WHERE a.done = 0`;

/**
 * Every open code follow-up, oldest mail first (then in the order stored). Empty when
 * `allowedRepos` is empty or nothing matches.
 */
export function listCodeFollowUps(db: Store, allowedRepos: readonly string[]): CodeFollowUp[] {
  const names = [...new Set(allowedRepos.map((repo) => basename(repo).toLowerCase()).filter(Boolean))];
  if (names.length === 0) return [];
  // A cheap substring filter in SQL; the whole-word test runs below.
  const rows = db
    .prepare(`${SELECT_OPEN} AND (${names.map(() => 'instr(lower(a.text), ?) > 0').join(' OR ')}) ORDER BY COALESCE(e.sent_at, e.created_at), a.id`)
    .all(...names) as ActionRow[];
  return rows.flatMap((row) => {
    const repo = repoNamedIn(row.text, allowedRepos);
    return repo ? [toFollowUp(row, repo)] : [];
  });
}

/** The open code follow-up with this id, or undefined when it is unknown, done or names no allowed repository. */
export function getCodeFollowUp(db: Store, id: number, allowedRepos: readonly string[]): CodeFollowUp | undefined {
  const row = db.prepare(`${SELECT_OPEN} AND a.id = ?`).get(id) as ActionRow | undefined;
  const repo = row ? repoNamedIn(row.text, allowedRepos) : undefined;
  return row && repo ? toFollowUp(row, repo) : undefined;
}

/** Marks the action item done; false when no item has this id. */
export function markFollowUpDone(db: Store, id: number): boolean {
  return db.prepare('UPDATE mail_action_items SET done = 1 WHERE id = ?').run(id).changes === 1;
}

/** The proposal's dedupe key for a follow-up: one proposal per action item, however many runs see it. */
export function followUpProposalKey(id: number): string {
  return `code-follow-up:${id}`;
}
