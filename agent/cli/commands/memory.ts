/**
 * `switchboard memory add|search|list|forget|edit`: the user's view of the agent's memory.
 */
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { addFact, forgetFact, listFacts, searchMemory } from '../../../memory/facts.ts';
import { dailyNotePath, localDay } from '../../../memory/daily-notes.ts';
import { ensureMemoryFiles, memoryFilePath, type MemoryFile } from '../../../memory/soul.ts';
import { ownerTimeZone } from '../../../config/owner-time-zone.ts';
import { openStore, type Store } from '../../../memory/store.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type CommandContext, type GlobalOptions } from '../context.ts';
import { writeFileSync, existsSync } from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../../memory/permissions.ts';
import { dirname } from 'node:path';
import { terminalSafe } from '../safe-output.ts';

export interface MemoryCommandDeps {
  write(text: string): void;
  /** Runs the editor on `path`; returns its exit status. */
  openEditor(editor: string, path: string): number;
  now(): Date;
}

const defaultDeps: MemoryCommandDeps = {
  write: (text) => process.stdout.write(terminalSafe(text)),
  openEditor: (editor, path) => {
    // Through the shell, as git does, so that EDITOR="code --wait" works.
    const result = spawnSync(`${editor} "$SWITCHBOARD_EDIT_PATH"`, {
      shell: true,
      stdio: 'inherit',
      env: { ...process.env, SWITCHBOARD_EDIT_PATH: path },
    });
    return result.status ?? 1;
  },
  now: () => new Date(),
};

const EDIT_TARGETS = ['soul', 'user', 'memory', 'today'] as const;

export function registerMemoryCommand(program: Command, deps: MemoryCommandDeps = defaultDeps): void {
  const memory = program.command('memory').description("the agent's memory: facts, notes and the files it reads");

  memory
    .command('add')
    .description('keep a fact')
    .argument('<text...>', 'the fact')
    .action((words: string[]) => {
      withStore(program, (db) => {
        const fact = addFact(db, { text: words.join(' '), source: 'user', now: deps.now() });
        deps.write(`#${fact.id} ${fact.text}\n`);
      });
    });

  memory
    .command('search')
    .description('full-text search over facts, daily notes and email extractions')
    .argument('<query...>', 'words to look for')
    .option('-n, --limit <n>', 'at most this many results', '10')
    .option('--json', 'print JSON')
    .action((words: string[], options: { limit: string; json?: boolean }) => {
      const limit = parsePositive(options.limit, '--limit');
      withStore(program, (db) => {
        const hits = searchMemory(db, words.join(' '), { limit });
        if (options.json) return deps.write(`${JSON.stringify(hits, null, 2)}\n`);
        if (hits.length === 0) return deps.write('no matches\n');
        for (const hit of hits) deps.write(`${hit.kind} #${hit.ref} ${hit.day}  ${hit.snippet.replace(/\s+/g, ' ')}\n`);
      });
    });

  memory
    .command('list')
    .description('facts, newest first')
    .option('-n, --limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((options: { limit: string; json?: boolean }) => {
      const limit = parsePositive(options.limit, '--limit');
      withStore(program, (db) => {
        const facts = listFacts(db, { limit });
        if (options.json) return deps.write(`${JSON.stringify(facts, null, 2)}\n`);
        if (facts.length === 0) return deps.write('no facts yet: add one with `switchboard memory add <text>`\n');
        for (const fact of facts) deps.write(`#${fact.id} ${fact.createdAt.slice(0, 10)} (${fact.source}) ${fact.text}\n`);
      });
    });

  memory
    .command('forget')
    .description('delete a fact by its number')
    .argument('<id>', 'the fact number shown by list or search')
    .action((id: string) => {
      const factId = parsePositive(id.replace(/^#/, ''), 'fact id');
      withStore(program, (db) => {
        if (!forgetFact(db, factId)) throw new CliError(`no fact #${factId}`, EXIT_BAD_INPUT);
        deps.write(`forgot #${factId}\n`);
      });
    });

  memory
    .command('edit')
    .description('open SOUL.md, USER.md, MEMORY.md or today\'s note in $VISUAL or $EDITOR (without one, print the path)')
    .argument('[file]', EDIT_TARGETS.join(' | '), 'memory')
    .action((file: string) => {
      if (!(EDIT_TARGETS as readonly string[]).includes(file)) {
        throw new CliError(`memory edit: unknown file "${file}" (expected ${EDIT_TARGETS.join(', ')})`, EXIT_BAD_INPUT);
      }
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
      ensureMemoryFiles(context.dataDir);
      const path = file === 'today' ? todayPath(context, deps.now()) : memoryFilePath(context.dataDir, file as MemoryFile);
      const editor = context.env.VISUAL || context.env.EDITOR;
      if (!editor) return deps.write(`${path}\n`);
      const status = deps.openEditor(editor, path);
      if (status !== 0) throw new CliError(`editor "${editor}" exited with status ${status}`);
    });
}

function todayPath(context: CommandContext, now: Date): string {
  const timeZone = ownerTimeZone(context.config);
  const path = dailyNotePath(context.dataDir, localDay(now, timeZone));
  if (!existsSync(path)) {
    ensurePrivateDir(dirname(path));
    writeFileSync(path, `# ${localDay(now, timeZone)}\n\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  }
  return path;
}

function withStore(program: Command, work: (db: Store) => void): void {
  const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
  const db = openStore(context.databasePath);
  try {
    work(db);
  } finally {
    db.close();
  }
}

function parsePositive(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new CliError(`${name} must be a positive whole number, got "${value}"`, EXIT_BAD_INPUT);
  return number;
}
