/**
 * `switchboard code --follow-up ID`: repository and task come from the code follow-up; a
 * committed edit marks it done, giving up leaves it open, and an id that is unknown, done or
 * names no allowed repository exits 2 naming the id before any model is opened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerCodeCommand } from '../../agent/cli/commands/code.ts';
import { CliError } from '../../agent/cli/context.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { openStore } from '../../memory/store.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, repoState, TEST_COMMAND } from './builders.ts';

interface Workspace {
  repo: string;
  databasePath: string;
  /** Runs `switchboard code ...args` in-process; resolves to what it printed. */
  code(router: ModelRouter, ...args: string[]): Promise<{ stdout: string }>;
  /** How many times the command opened its model services. */
  opened: number;
  isDone(id: number): boolean;
}

/** A config allowing one repository (folder `mathlib`) and a database holding one mail's action items. */
function aWorkspace(actionItems: string[]): Workspace & { ids: number[] } {
  const { allowed, root } = aRepo();
  const repo = join(allowed, 'mathlib');
  renameSync(root, repo);
  const dir = mkdtempSync(join(tmpdir(), 'sb-follow-up-cli-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'providers: { p: { api: openai, keyless: true } }',
      'models: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
      'flagship: gpt-5.6-sol',
      'timezone: UTC',
      'skills:',
      `  code-edit: { allowedRepos: [${JSON.stringify(repo)}], testCommand: ${JSON.stringify(TEST_COMMAND)} }`,
      '',
    ].join('\n'),
  );
  const dataDir = join(dir, 'data');
  const databasePath = join(dataDir, 'switchboard.db');
  const db = openStore(databasePath);
  aStoredMessage(db, { actionItems: actionItems.map((text) => ({ text, due: null })) });
  const ids = (db.prepare('SELECT id FROM mail_action_items ORDER BY id').all() as { id: number }[]).map((row) => row.id);
  db.close();
  const workspace: Workspace & { ids: number[] } = {
    repo,
    databasePath,
    ids,
    opened: 0,
    async code(router, ...args) {
      const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
      registerCodeCommand(program, {
        open: async () => {
          workspace.opened++;
          return { router, close: () => undefined };
        },
      });
      const chunks: string[] = [];
      const write = process.stdout.write;
      // Only the command's text: the test runner's own reports (binary, to stdout) pass through.
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
        typeof chunk === 'string' ? chunks.push(chunk) > 0 : write.call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
      try {
        await program.parseAsync(['--config', config, '--data-dir', dataDir, 'code', ...args], { from: 'user' });
      } finally {
        process.stdout.write = write;
      }
      return { stdout: chunks.join('') };
    },
    isDone(id) {
      const check = openStore(databasePath);
      try {
        return (check.prepare('SELECT done FROM mail_action_items WHERE id = ?').get(id) as { done: number }).done === 1;
      } finally {
        check.close();
      }
    },
  };
  return workspace;
}

test('--follow-up edits the repository the item names, with its text as the task, and marks it done', async () => {
  const workspace = aWorkspace(['Fix the add function in mathlib', 'Also fix mathlib docs']);
  const [first, second] = workspace.ids;
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);

  const { stdout } = await workspace.code(router, '--follow-up', String(first));

  assert.match(stdout, new RegExp(`^follow-up #${first}: committed [0-9a-f]{7} on (switchboard/manual-code-\\S+) \\(tests passed`));
  const branch = /on (switchboard\/\S+) /.exec(stdout)![1];
  assert.equal(git(workspace.repo, 'show', `${branch}:src/math.js`), FIXED_MATH.trimEnd());
  assert.match(router.calls[0].request.messages.map((message) => message.content).join('\n'), /Task: Fix the add function in mathlib\n/);
  assert.equal(workspace.isDone(first), true);
  assert.equal(workspace.isDone(second), false);
});

test('giving up leaves the follow-up open', async () => {
  const workspace = aWorkspace(['Fix the add function in mathlib']);
  const before = repoState(workspace.repo);
  const wrong = anEditAnswer([{ path: 'src/math.js', content: 'export function add() { return 1; }\n' }]);
  try {
    const { stdout } = await workspace.code(aScriptedRouter([wrong, wrong]), '--follow-up', String(workspace.ids[0]));
    assert.match(stdout, /gave up after 2 attempt\(s\)/);
    assert.equal(process.exitCode, 1);
  } finally {
    process.exitCode = undefined;
  }
  assert.equal(workspace.isDone(workspace.ids[0]), false);
  assert.deepEqual(repoState(workspace.repo), before);
});

test('an unknown, done or not-allowed follow-up exits 2 naming the id, before any model is opened', async () => {
  const workspace = aWorkspace(['Fix the add function in mathlib', 'Fix the website header']);
  const [mathlib, website] = workspace.ids;
  const router = aScriptedRouter([]);
  const refused = async (args: string[], pattern: RegExp) =>
    assert.rejects(workspace.code(router, ...args), (error: unknown) => {
      assert.ok(error instanceof CliError, String(error));
      assert.equal(error.exitCode, 2);
      assert.match(error.message, pattern);
      return true;
    });

  await refused(['--follow-up', '9999'], /no pending code follow-up #9999: it does not exist, is done, or names no repository in skills\.code-edit\.allowedRepos/);
  await refused(['--follow-up', String(website)], new RegExp(`no pending code follow-up #${website}:`));
  const db = openStore(workspace.databasePath);
  db.prepare('UPDATE mail_action_items SET done = 1 WHERE id = ?').run(mathlib);
  db.close();
  await refused(['--follow-up', String(mathlib)], new RegExp(`no pending code follow-up #${mathlib}:`));
  await refused(['--follow-up', 'abc'], /--follow-up "abc" is not a follow-up id/);
  await refused(['--follow-up', '1', workspace.repo, 'a task'], /either REPO and TASK, or --follow-up ID, not both/);
  await refused([], /give REPO and TASK, or --follow-up ID/);
  assert.equal(router.calls.length, 0);
  assert.equal(workspace.opened, 0);
});
