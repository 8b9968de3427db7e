/**
 * `switchboard init` in a real pseudo-terminal: it shows what it detected (provider keys, time
 * zone), asks only the rest, asks again on a bad answer, writes a small overlay config that
 * loads as a whole config, never writes a key into it, runs doctor and ends with the next command.
 * The non-interactive form takes the same answers from flags and refuses a bad one (exit 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../config/load.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const ptySession = join(import.meta.dirname, '..', 'helpers', 'pty-session.py');
const KEY = 'sk-init-test-0123456789abcdef';

function aHome() {
  const home = mkdtempSync(join(tmpdir(), 'sb-init-'));
  writeFileSync(join(home, 'mail-password'), 'imap-secret\n');
  chmodSync(join(home, 'mail-password'), 0o600);
  mkdirSync(join(home, 'src', 'app', '.git'), { recursive: true });
  return home;
}

function underTerminal(home: string, args: string[], answers: Array<[RegExp, string]>) {
  const command = ['/usr/bin/env', `HOME=${home}`, `PATH=${process.env.PATH}`, `OPENAI_API_KEY=${KEY}`, 'TZ=Europe/Paris', 'NO_COLOR=1', process.execPath, bin, ...args];
  const result = spawnSync('python3', [ptySession, JSON.stringify(command), JSON.stringify(answers.map(([prompt, answer]) => [prompt.source, answer]))], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { status: number | null; output: string; stuckAt: string | null };
}

test('interactive init asks only what it cannot detect and writes an overlay config', () => {
  const home = aHome();
  const dataDir = join(home, 'data');
  const session = underTerminal(home, ['--data-dir', dataDir, 'init'], [
    [/Your email address.*: $/, 'alex@example.org'],
    [/Time zone \[Europe\/Paris\]: $/, ''],
    [/Briefing time, HH:MM in Europe\/Paris \[07:00\]: $/, '25:00'],
    [/is not a time HH:MM[\s\S]*Briefing time, HH:MM in Europe\/Paris \[07:00\]: $/, '06:30'],
    [/IMAP host.*: $/, 'imap.example.org'],
    [/IMAP port \[993\]: $/, ''],
    [/IMAP user \[alex@example\.org\]: $/, ''],
    [/File holding the IMAP password.*: $/, join(home, 'mail-password')],
    [/SMTP host \[smtp\.example\.org\]: $/, ''],
    [/SMTP port \[587\]: $/, ''],
    [/SMTP user \[alex@example\.org\]: $/, ''],
    [/File holding the SMTP password \[[^\]]+\]: $/, ''],
    [/Git repositories.*: $/, join(home, 'src', 'app')],
  ]);
  assert.equal(session.stuckAt, null, `init stopped before the prompt ${session.stuckAt}:\n${session.output}`);
  const output = session.output.replace(/\r/g, '');
  assert.match(output, /provider keys in the environment: OPENAI_API_KEY \(not set: ANTHROPIC_API_KEY\)/);
  assert.match(output, /time zone: Europe\/Paris/);
  assert.match(output, /Running switchboard doctor:/);
  assert.match(output, /(Next: switchboard --data-dir \S+ run morning-briefing|doctor reported problems)/);

  const target = join(home, '.config', 'switchboard', 'config.yaml');
  const text = readFileSync(target, 'utf8');
  assert.ok(!text.includes(KEY), 'the key itself is never written');
  assert.ok(!text.includes('imap-secret'), 'nor the mail password');
  assert.match(text, /apiKey: \$\{OPENAI_API_KEY\}/);
  assert.ok(text.split('\n').length < 55, `a small overlay, not a copy of the default (${text.split('\n').length} lines)`);

  const loaded = parseConfigText(text, { path: target, origin: 'user' }, { OPENAI_API_KEY: KEY });
  assert.equal(loaded.config.timezone, 'Europe/Paris');
  assert.equal(loaded.config.jobs['morning-briefing'].schedule, '30 6 * * *');
  assert.equal(loaded.config.jobs['morning-briefing'].skill, 'briefing');
  assert.deepEqual(loaded.config.tiers.orchestration, ['gpt-5.6-luna'], 'only models whose provider has a key');
  assert.deepEqual(Object.keys(loaded.config.providers), ['openai'], 'the provider without a key is not kept to be simulated');
  assert.equal(loaded.config.mail.accounts.personal.password, 'imap-secret');
  assert.equal(loaded.config.mail.smtp?.to, 'alex@example.org');
  assert.deepEqual(loaded.config.skills['code-edit'], { allowedRepos: [join(home, 'src', 'app')] });
  // With a mailbox, replies to the briefing are read there: approving by reply works from day one.
  assert.equal(loaded.config.jobs['approval-replies'].skill, 'mail-replies');
  assert.deepEqual(loaded.config.jobs['approval-replies'].options, { account: 'personal' });
  // The mailbox is also read for dates, action items and amounts, which the briefing lists.
  assert.equal(loaded.config.jobs.mail.skill, 'email-extract');
});

test('init refuses to replace an existing config without --force', () => {
  const home = aHome();
  mkdirSync(join(home, '.config', 'switchboard'), { recursive: true });
  writeFileSync(join(home, '.config', 'switchboard', 'config.yaml'), 'timezone: UTC\n');
  const result = spawnSync(process.execPath, [bin, 'init', '--non-interactive'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /config\.yaml exists; edit it, or run init again with --force/);
  assert.equal(readFileSync(join(home, '.config', 'switchboard', 'config.yaml'), 'utf8'), 'timezone: UTC\n');
});

test('non-interactive init takes its answers from flags and names a bad one', () => {
  const home = aHome();
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, '--data-dir', join(home, 'data'), 'init', '--non-interactive', '--no-doctor', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home },
    });
  const bad = run('--owner', 'alex@example.org', '--repo', join(home, 'nowhere'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /init --repo: .*nowhere does not exist/);
  assert.equal(existsSync(join(home, '.config', 'switchboard', 'config.yaml')), false, 'nothing written');

  const good = run('--owner', 'alex@example.org', '--timezone', 'America/New_York', '--briefing-time', '7:15');
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /with no key, every model answer comes from the built-in simulator/);
  assert.match(good.stdout, /Next: switchboard --data-dir \S+ run morning-briefing/);
  const loaded = parseConfigText(readFileSync(join(home, '.config', 'switchboard', 'config.yaml'), 'utf8'), { path: join(home, 'c.yaml'), origin: 'user' }, {});
  assert.equal(loaded.config.timezone, 'America/New_York');
  assert.equal(loaded.config.jobs['morning-briefing'].schedule, '15 7 * * *');
});
