import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerMemoryCommand } from '../../agent/cli/commands/memory.ts';
import { CliError, EXIT_BAD_INPUT } from '../../agent/cli/context.ts';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { aDataDir } from './builders.ts';

interface Cli {
  run(...args: string[]): Promise<string>;
  edits: { editor: string; path: string }[];
  dataDir: string;
}

function aCli(): Cli {
  const dataDir = aDataDir();
  const edits: { editor: string; path: string }[] = [];
  return {
    dataDir,
    edits,
    async run(...args: string[]) {
      let output = '';
      const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
      registerMemoryCommand(program, {
        write: (text) => {
          output += text;
        },
        openEditor: (editor, path) => {
          edits.push({ editor, path });
          return 0;
        },
        now: () => new Date('2025-03-01T23:30:00Z'),
      });
      await program.parseAsync(['node', 'switchboard', '--config', DEFAULT_CONFIG_PATH, '--data-dir', dataDir, ...args]);
      return output;
    },
  };
}

test('add, list, search and forget work on the data directory\'s database', async () => {
  const cli = aCli();
  assert.equal(await cli.run('memory', 'add', 'Prefers', 'trains', 'over', 'planes'), '#1 Prefers trains over planes\n');
  await cli.run('memory', 'add', 'Allergic to penicillin');
  assert.match(await cli.run('memory', 'list'), /^#2 \d{4}-\d{2}-\d{2} \(user\) Allergic to penicillin\n#1 .*trains/);
  assert.match(await cli.run('memory', 'search', 'trains'), /^fact #1 \d{4}-\d{2}-\d{2}  Prefers \[trains\] over planes\n$/);
  const json = JSON.parse(await cli.run('memory', 'search', '--json', 'penicillin'));
  assert.equal(json[0].ref, 2);
  assert.equal(await cli.run('memory', 'forget', '#1'), 'forgot #1\n');
  assert.equal(await cli.run('memory', 'search', 'trains'), 'no matches\n');
  assert.ok(existsSync(join(cli.dataDir, 'switchboard.db')));
});

test('forgetting an unknown fact is bad input', async () => {
  const cli = aCli();
  await assert.rejects(cli.run('memory', 'forget', '9'), (error: unknown) => error instanceof CliError && error.exitCode === EXIT_BAD_INPUT && /no fact #9/.test(error.message));
  await assert.rejects(cli.run('memory', 'forget', 'nine'), /fact id must be a positive whole number/);
});

test('edit without $VISUAL or $EDITOR prints the path, creating the file from its template', async () => {
  const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
  delete process.env.VISUAL;
  delete process.env.EDITOR;
  try {
    const cli = aCli();
    const path = (await cli.run('memory', 'edit', 'user')).trim();
    assert.equal(path, join(cli.dataDir, 'USER.md'));
    assert.match(readFileSync(path, 'utf8'), /Currency:/);
    assert.equal(cli.edits.length, 0);
  } finally {
    restore(saved);
  }
});

test('edit opens $VISUAL before $EDITOR; "today" is the day\'s note', async () => {
  const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
  process.env.VISUAL = 'my-visual';
  process.env.EDITOR = 'my-editor';
  try {
    const cli = aCli();
    await cli.run('memory', 'edit');
    await cli.run('memory', 'edit', 'today');
    assert.deepEqual(cli.edits[0], { editor: 'my-visual', path: join(cli.dataDir, 'MEMORY.md') });
    assert.match(cli.edits[1].path, /memory\/\d{4}-\d{2}-\d{2}\.md$/);
    assert.ok(existsSync(cli.edits[1].path));
    await assert.rejects(cli.run('memory', 'edit', 'secrets'), /unknown file "secrets"/);
  } finally {
    restore(saved);
  }
});

function restore(saved: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
