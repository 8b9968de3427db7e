/**
 * The data dir is the owner's alone: created 0700, and the database with its WAL and SHM, the
 * memory files (even when copied from a world-readable template), daily notes and outbox mail
 * are 0600. A data dir left loose by an older release is tightened on the next command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMemoryFiles } from '../../memory/soul.ts';
import { appendDailyNote } from '../../memory/daily-notes.ts';
import { writeOutbox } from '../../skills/mail/outbox.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const mode = (path: string) => statSync(path).mode & 0o777;

function aWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-private-'));
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
      'jobs:',
      '  quick: { schedule: "0 3 * * *", skill: command, options: { command: [sh, -c, "echo done"] } }',
      '',
    ].join('\n'),
  );
  const dataDir = join(dir, 'data');
  // Run under the loosest common umask: the CLI must set its own.
  const cli = (...args: string[]) =>
    spawnSync('sh', ['-c', 'umask 022 && exec "$@"', 'sh', process.execPath, bin, '--config', config, '--data-dir', dataDir, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
      timeout: 30_000,
    });
  return { dir, dataDir, cli };
}

test('a fresh data dir is 0700 and everything the CLI writes in it is 0600', () => {
  const { dataDir, cli } = aWorkspace();
  const run = cli('run', 'quick');
  assert.equal(run.status, 0, run.stderr);
  const added = cli('memory', 'add', 'The owner prefers mail before 8');
  assert.equal(added.status, 0, added.stderr);
  assert.equal(mode(dataDir), 0o700);
  const names = readdirSync(dataDir);
  assert.ok(names.includes('switchboard.db') && names.includes('MEMORY.md'), names.join(', '));
  for (const name of names) {
    const path = join(dataDir, name);
    assert.equal(mode(path) & 0o077, 0, `${name} is not readable by group or others`);
  }
});

test('a data dir left loose by an older release is tightened by the next command', () => {
  const { dataDir, cli } = aWorkspace();
  assert.equal(cli('run', 'quick').status, 0);
  mkdirSync(join(dataDir, 'outbox'), { recursive: true });
  mkdirSync(join(dataDir, 'memory'), { recursive: true });
  const loose = [
    join(dataDir, 'switchboard.db'),
    join(dataDir, 'MEMORY.md'),
    join(dataDir, 'USER.md'),
    join(dataDir, 'outbox', '2026-12-01-morning-briefing.eml'),
    join(dataDir, 'memory', '2026-12-01.md'),
  ];
  for (const path of loose) {
    writeFileSync(path, statSync(path, { throwIfNoEntry: false }) ? '' : 'old\n', { flag: 'a' });
    chmodSync(path, 0o644);
  }
  chmodSync(dataDir, 0o755);
  chmodSync(join(dataDir, 'outbox'), 0o755);

  const status = cli('status', '--json');
  assert.equal(status.status, 0, status.stderr);
  assert.equal(mode(dataDir), 0o700);
  assert.equal(mode(join(dataDir, 'outbox')), 0o700);
  for (const path of loose) assert.equal(mode(path), 0o600, path);
});

test('the database, its WAL and SHM are 0600 while open, whatever the umask', () => {
  const previous = process.umask(0o022);
  try {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-private-')), 'data');
    const db = openStore(join(dataDir, 'switchboard.db'));
    db.prepare('SELECT COUNT(*) FROM job_runs').get();
    for (const name of ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm']) assert.equal(mode(join(dataDir, name)), 0o600, name);
    assert.equal(mode(dataDir), 0o700);
    db.close();
  } finally {
    process.umask(previous);
  }
});

test('memory files copied from a world-readable template, daily notes and outbox mail are 0600', async () => {
  const previous = process.umask(0o022);
  try {
    const templates = mkdtempSync(join(tmpdir(), 'sb-templates-'));
    for (const name of ['SOUL.md', 'USER.md', 'MEMORY.md']) {
      writeFileSync(join(templates, name), `# ${name}\n`);
      chmodSync(join(templates, name), 0o644);
    }
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-private-')), 'data');
    const created = ensureMemoryFiles(dataDir, templates);
    assert.equal(created.length, 3);
    assert.equal(mode(dataDir), 0o700);
    for (const path of created) assert.equal(mode(path), 0o600, path);

    const note = appendDailyNote(dataDir, '2026-12-02', 'paid the plumber');
    assert.equal(mode(note), 0o600);
    assert.equal(mode(join(dataDir, 'memory')), 0o700);

    const receipt = await writeOutbox(dataDir, { subject: 'Briefing', html: '<p>hi</p>', text: 'hi', job: 'morning-briefing', date: new Date('2026-12-02T07:00:00Z') });
    assert.equal(mode(receipt.location!), 0o600);
    assert.equal(mode(join(dataDir, 'outbox')), 0o700);
  } finally {
    process.umask(previous);
  }
});
