/**
 * Untrusted text never drives the terminal: escape sequences and other C0/C1 controls in a
 * mail subject, a sender's name, a child's stderr or a remembered fact are made visible
 * (ESC as "␛") by one function before `inbox`, `runs`, `runs show`, `status` and
 * `memory list|search` print them; newline and tab stay as they are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalSafe, terminalSafeKeepingColour } from '../../agent/cli/safe-output.ts';
import { resetWatermark, storeMessage } from '../../memory/extractions.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
// Clear the screen, retitle the window, hide the cursor, a C1 CSI, a carriage return that
// would overwrite the line, a right-to-left override, a bell, and colour that conceals text
// (SGR: the one kind the output guard lets through for our own tables, so formatters must
// neutralise it in untrusted text first).
const HOSTILE = '\u001b[8m\u001b[2J\u001b]0;owned\u0007\u001b[?25l\u009b31m\rRE\u202eversed\u0008';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('terminalSafe makes every control visible and keeps newline and tab', () => {
  const shown = terminalSafe(`a\tb\n${HOSTILE}`);
  assert.doesNotMatch(shown, UNSAFE);
  assert.ok(shown.startsWith('a\tb\n␛[8m␛[2J␛]0;owned␇'), shown);
  assert.match(shown, /\\u\{9b\}31m␍RE\\u\{202e\}versed␈$/);
  assert.equal(terminalSafe('plain text, accents é, emoji ✓'), 'plain text, accents é, emoji ✓');
});

function aWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-terminal-'));
  const config = join(dir, 'config.yaml');
  const script = `printf '${HOSTILE.replace(/\u001b/g, '\\033').replace(/\u0007/g, '\\007').replace(/\u009b/g, '\\302\\233').replace(/\r/g, '\\r').replace(/\u202e/g, '\\342\\200\\256').replace(/\u0008/g, '\\010')}' >&2; exit 3`;
  writeFileSync(
    config,
    [
      'version: 1',
      'providers: { p: { api: openai, keyless: true } }',
      'models: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
      'flagship: gpt-5.6-sol',
      'timezone: UTC',
      'jobs:',
      `  noisy: { schedule: "0 3 * * *", skill: command, options: { command: [sh, -c, ${JSON.stringify(script)}] } }`,
      '',
    ].join('\n'),
  );
  const dataDir = join(dir, 'data');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, '--config', config, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  return { dataDir, cli };
}

test('the output guard keeps colour sequences and makes every other control visible', () => {
  const painted = '\u001b[1mjob\u001b[22m \u001b[31mfailed\u001b[39m';
  assert.equal(terminalSafeKeepingColour(painted), painted);
  assert.equal(terminalSafeKeepingColour('\u001b[1mok\u001b[22m\u001b[2J\u001b]0;x\u0007'), '\u001b[1mok\u001b[22m␛[2J␛]0;x␇');
});

test('a failing job whose stderr carries escape sequences prints none in runs, runs show and status', () => {
  const { cli } = aWorkspace();
  const run = cli('run', 'noisy');
  assert.equal(run.status, 1);
  assert.match(run.stdout + run.stderr, /␛\[2J/, 'the sequence is shown, not obeyed');
  for (const args of [['runs'], ['runs', 'show', '1'], ['status'], ['runs', '--json'], ['status', '--json']]) {
    const output = cli(...args);
    assert.equal(output.status, 0, output.stderr);
    assert.doesNotMatch(output.stdout, UNSAFE, `switchboard ${args.join(' ')}`);
    assert.doesNotMatch(output.stderr, UNSAFE, `switchboard ${args.join(' ')} (stderr)`);
  }
  assert.match(cli('runs', 'show', '1').stdout, /error:[\s\S]*␛\[2J/);
});

test('a mail subject and sender name with escape sequences are shown harmless by inbox', () => {
  const { dataDir, cli } = aWorkspace();
  const db = openStore(join(dataDir, 'switchboard.db'));
  const now = new Date();
  resetWatermark(db, 'home', 'INBOX', '1', now);
  storeMessage(
    db,
    {
      account: 'home', mailbox: 'INBOX', uidValidity: '1', uid: 1, messageId: '<1@attacker.example>', contentHash: 'h1',
      fromName: `Bank${HOSTILE}`, fromAddress: 'bank@attacker.example', subject: `Urgent${HOSTILE}`, sentAt: now.toISOString(),
      size: 100, oversized: false, status: 'extracted', category: 'finance', summary: `Pay now${HOSTILE}`, extraction: {}, error: null,
      model: 'fake', escalated: false, costUsd: 0, dates: [], actionItems: [{ text: `wire money${HOSTILE}`, due: null }], amounts: [],
    },
    'UTC',
    now,
  );
  db.close();
  const inbox = cli('inbox');
  assert.equal(inbox.status, 0, inbox.stderr);
  assert.match(inbox.stdout, /Urgent␛\[8m␛\[2J␛\]0;owned␇/);
  assert.match(inbox.stdout, /— Bank␛\[8m/);
  assert.doesNotMatch(inbox.stdout, UNSAFE);
});

test('a remembered fact with escape sequences is shown harmless by memory list and search', () => {
  const { cli } = aWorkspace();
  assert.equal(cli('memory', 'add', `the gate code is 4711${HOSTILE}`).status, 0);
  for (const args of [['memory', 'list'], ['memory', 'search', 'gate']]) {
    const output = cli(...args);
    assert.equal(output.status, 0, output.stderr);
    assert.match(output.stdout, /4711/);
    assert.doesNotMatch(output.stdout, UNSAFE, `switchboard ${args.join(' ')}`);
  }
});
