/**
 * Daily notes: `<dataDir>/memory/YYYY-MM-DD.md`, one Markdown file per day that jobs append
 * to and the user may read or edit. Each append is also indexed for `searchMemory` when a
 * database is handed in.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './permissions.ts';
import { join } from 'node:path';
import type { Store } from './store.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function dailyNotesDir(dataDir: string): string {
  return join(dataDir, 'memory');
}

/** Path of the note for `day` (YYYY-MM-DD); throws on any other shape, so no path escapes. */
export function dailyNotePath(dataDir: string, day: string): string {
  if (!DAY.test(day)) throw new Error(`daily note day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return join(dailyNotesDir(dataDir), `${day}.md`);
}

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone` (an IANA name). */
export function localDay(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant)
    .reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export interface AppendNoteOptions {
  /** When given, the entry is also indexed in `daily_notes` / `memory_search`. */
  db?: Store;
  /** A `### label` line above the entry, such as the job's name. */
  label?: string;
  now?: Date;
}

/**
 * Appends `text` as a paragraph to the day's note, creating the file (with a `# day` title)
 * and its folder when missing. Never rewrites what is there. Returns the file's path.
 */
export function appendDailyNote(dataDir: string, day: string, text: string, options: AppendNoteOptions = {}): string {
  const path = dailyNotePath(dataDir, day);
  const entry = text.trim();
  if (entry === '') throw new Error('a daily note needs some text');
  ensurePrivateDir(dataDir);
  ensurePrivateDir(dailyNotesDir(dataDir));
  const exists = existsSync(path);
  const current = exists ? readFileSync(path, 'utf8') : '';
  let addition = exists ? (current === '' || current.endsWith('\n') ? '' : '\n') : `# ${day}\n`;
  addition += '\n';
  if (options.label) addition += `### ${options.label.replace(/\s+/g, ' ').trim()}\n\n`;
  addition += `${entry}\n`;
  // Index first: if the database refuses, the file is untouched and the caller can retry.
  options.db
    ?.prepare('INSERT INTO daily_notes (day, text, created_at) VALUES (?, ?, ?)')
    .run(day, options.label ? `${options.label}: ${entry}` : entry, (options.now ?? new Date()).toISOString());
  appendFileSync(path, addition, { mode: PRIVATE_FILE_MODE });
  return path;
}

/** The day's note, or '' when there is none. */
export function readDailyNote(dataDir: string, day: string): string {
  const path = dailyNotePath(dataDir, day);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
