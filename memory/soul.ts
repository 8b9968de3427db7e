/**
 * The Markdown files the user reads and edits, read in order at the start of every job:
 * SOUL.md (who the agent is), USER.md (who the user is, with a few parsed settings) and
 * MEMORY.md (what is true now). Shipped templates are copied into the data directory on
 * first use and never overwritten. The agent may only append to MEMORY.md.
 */
import { appendFileSync, chmodSync, constants, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './permissions.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** The memory files in the order they are read and placed in prompts. */
export const MEMORY_FILES = { soul: 'SOUL.md', user: 'USER.md', memory: 'MEMORY.md' } as const;
export type MemoryFile = keyof typeof MEMORY_FILES;

export const AGENT_NOTES_HEADING = '## Agent notes';

export interface UserSettings {
  /** ISO 4217 code from USER.md, upper case; undefined when absent or empty. */
  currency?: string;
}

export interface Soul {
  soul: string;
  user: string;
  memory: string;
  settings: UserSettings;
  paths: Record<MemoryFile, string>;
}

/** A memory file the agent cannot use as written; the message names the file and line. */
export class MemoryFileError extends Error {
  readonly path: string;
  readonly line?: number;
  constructor(path: string, line: number | undefined, problem: string) {
    super(line === undefined ? `${path}: ${problem}` : `${path}:${line}: ${problem}`);
    this.name = 'MemoryFileError';
    this.path = path;
    this.line = line;
  }
}

export function memoryFilePath(dataDir: string, file: MemoryFile): string {
  return join(dataDir, MEMORY_FILES[file]);
}

/**
 * Copies each shipped template whose file is missing in `dataDir`; an existing file is never
 * touched, even when empty. Returns the paths it created.
 */
export function ensureMemoryFiles(dataDir: string, templatesDir: string = TEMPLATES_DIR): string[] {
  ensurePrivateDir(dataDir);
  const created: string[] = [];
  for (const name of Object.values(MEMORY_FILES)) {
    const target = join(dataDir, name);
    if (existsSync(target)) continue;
    try {
      // COPYFILE_EXCL: a file the user creates between the check and the copy still wins.
      copyFileSync(join(templatesDir, name), target, constants.COPYFILE_EXCL);
      // A copy keeps the template's mode (0644 in a checkout); the owner's notes are private.
      chmodSync(target, PRIVATE_FILE_MODE);
      created.push(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return created;
}

/**
 * Reads SOUL.md, USER.md and MEMORY.md (creating missing ones from the templates) and parses
 * the user settings. Throws `MemoryFileError` for an invalid currency, or a time zone set in
 * USER.md (the owner's zone is set in one place: config `timezone`).
 */
export function readSoul(dataDir: string, options: { templatesDir?: string } = {}): Soul {
  ensureMemoryFiles(dataDir, options.templatesDir);
  const paths = {
    soul: memoryFilePath(dataDir, 'soul'),
    user: memoryFilePath(dataDir, 'user'),
    memory: memoryFilePath(dataDir, 'memory'),
  };
  const user = readFileSync(paths.user, 'utf8');
  return {
    soul: readFileSync(paths.soul, 'utf8'),
    user,
    memory: readFileSync(paths.memory, 'utf8'),
    settings: parseUserSettings(user, paths.user),
    paths,
  };
}

const SETTING_LINE = /^\s*[-*]\s*(time ?zone|timezone|currency)\s*:\s*(.*?)\s*$/i;

/**
 * Reads the `- Currency: EUR` line (case-insensitive key, the first wins; an empty value means
 * unset). A `- Time zone: ...` line with a value is refused with a `MemoryFileError` that says
 * where the zone goes instead (config `timezone`): the owner's zone is read from one place.
 * `path` is only used in error messages.
 */
export function parseUserSettings(text: string, path: string): UserSettings {
  const settings: UserSettings = {};
  const lines = text.split(/\r?\n/);
  let inCodeBlock = false;
  for (const [index, line] of lines.entries()) {
    if (/^\s*```/.test(line)) inCodeBlock = !inCodeBlock;
    if (inCodeBlock) continue;
    const match = SETTING_LINE.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase().replace(' ', '');
    const value = match[2].replace(/^`|`$/g, '');
    if (value === '') continue;
    if (key === 'timezone') {
      throw new MemoryFileError(
        path,
        index + 1,
        `the time zone is not read from USER.md: set it once in the config, \`timezone: ${isValidTimeZone(value) ? value : 'Europe/Paris'}\` ` +
          `(an IANA name${isValidTimeZone(value) ? '' : `; ${JSON.stringify(value)} is not one`}), and remove this line`,
      );
    } else if (key === 'currency' && settings.currency === undefined) {
      const code = value.toUpperCase();
      if (!isValidCurrency(code)) {
        throw new MemoryFileError(
          path,
          index + 1,
          `currency ${JSON.stringify(value)} is not an ISO 4217 code (expected e.g. EUR, GBP, USD)`,
        );
      }
      settings.currency = code;
    }
  }
  return settings;
}

export function isValidTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isValidCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

/**
 * Who wrote an agent note: `agent` (the agent on its own: untrusted in later prompts) or an
 * approved proposal (the owner approved this exact line: trusted).
 */
export type AgentNoteMark = { by: 'agent' } | { by: 'approval'; proposalId: number };

function markText(mark: AgentNoteMark): string {
  return mark.by === 'agent' ? '[agent]' : `[approved #${mark.proposalId}]`;
}

/**
 * Appends a dated entry under `## Agent notes` at the end of MEMORY.md. Only ever appends:
 * every byte already in the file stays where it was. When the file's last `## ` heading is
 * not the agent notes heading (the user added a section after it), a new heading is added.
 * The entry is flattened to one line and carries its mark (`- DATE [agent]: text`). Returns the line written.
 */
export function appendAgentNote(dataDir: string, date: string, text: string, mark: AgentNoteMark = { by: 'agent' }): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`agent note date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const note = text.replace(/\s+/g, ' ').trim();
  if (note === '') throw new Error('an agent note needs some text');
  ensureMemoryFiles(dataDir);
  const path = memoryFilePath(dataDir, 'memory');
  const current = readFileSync(path, 'utf8');
  const headings = current.split(/\r?\n/).filter((line) => /^##\s/.test(line));
  const underAgentNotes = headings.length > 0 && headings[headings.length - 1].trim() === AGENT_NOTES_HEADING;
  let addition = current === '' || current.endsWith('\n') ? '' : '\n';
  if (!underAgentNotes) addition += `${current === '' ? '' : '\n'}${AGENT_NOTES_HEADING}\n\n`;
  const line = `- ${date} ${markText(mark)}: ${note}`;
  addition += `${line}\n`;
  appendFileSync(path, addition);
  return line;
}

const AGENT_MARKED = /^\s*[-*]\s+\d{4}-\d{2}-\d{2} \[agent\]:/;
/** The unmarked form written before notes carried a mark: untrusted when it sits under `## Agent notes`. */
const LEGACY_AGENT_NOTE = /^\s*[-*]\s+\d{4}-\d{2}-\d{2}:/;

export interface MemoryByOrigin {
  /** MEMORY.md without the agent's own notes: the owner's text and approved notes. */
  owner: string;
  /** The agent's own notes (`[agent]`, or unmarked dated lines under `## Agent notes`), one per entry. */
  agentNotes: string[];
}

/**
 * Splits MEMORY.md by who wrote each line, so that what the agent wrote by itself (possibly
 * steered by a mail) never reaches a later prompt as trusted text. Empty input gives empty parts.
 */
export function splitMemoryByOrigin(text: string): MemoryByOrigin {
  const owner: string[] = [];
  const agentNotes: string[] = [];
  let inAgentNotes = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^##\s/.test(line)) inAgentNotes = line.trim() === AGENT_NOTES_HEADING;
    if (AGENT_MARKED.test(line) || (inAgentNotes && LEGACY_AGENT_NOTE.test(line))) agentNotes.push(line.trim());
    else owner.push(line);
  }
  return { owner: owner.join('\n'), agentNotes };
}
