// Fault: the database file is damaged (garbage over part of it) or is not a Switchboard database
// at all. Every command refuses with one clear message (no stack trace), exit 1, does no work,
// and leaves the file byte for byte as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { aFaultWorkspace, writeFaultConfig } from './harness.ts';

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function aWorkspaceWithHistory() {
  const workspace = aFaultWorkspace();
  const marker = join(workspace.dir, 'did-work');
  writeFaultConfig(workspace.config, { quick: { schedule: '0 3 * * *', skill: 'command', options: { command: ['sh', '-c', `echo x >> ${marker}`] } } });
  const first = workspace.cli('run', 'quick');
  assert.equal(first.status, 0, first.stderr);
  // Some history, so the damage lands in pages that queries read.
  const db = new Database(join(workspace.dataDir, 'switchboard.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { workspace, marker, database: join(workspace.dataDir, 'switchboard.db') };
}

function assertRefused(result: { status: number | null; stderr: string }, what: string) {
  assert.equal(result.status, 1, `${what}: ${result.stderr}`);
  assert.match(result.stderr, /is not a readable Switchboard database/, what);
  assert.match(result.stderr, /Nothing was written to it/, what);
  assert.doesNotMatch(result.stderr, /\n\s+at /, `${what}: no stack trace`);
}

test('garbage over part of the database: status, runs and run refuse, do no work, change nothing', () => {
  const { workspace, marker, database } = aWorkspaceWithHistory();
  const size = readFileSync(database).length;
  const fd = openSync(database, 'r+');
  // Keep the header page, smash the schema and data pages behind it.
  writeSync(fd, Buffer.alloc(Math.min(8_192, size - 100), 0xa5), 0, Math.min(8_192, size - 100), 100);
  closeSync(fd);
  const before = digest(database);

  assertRefused(workspace.cli('status'), 'status');
  assertRefused(workspace.cli('runs'), 'runs');
  assertRefused(workspace.cli('run', 'quick'), 'run');
  assert.equal(readFileSync(marker, 'utf8'), 'x\n', 'the job did not run again');
  assert.equal(digest(database), before, 'the file is unchanged');
  assert.equal(existsSync(`${database}-wal`) && readFileSync(`${database}-wal`).length > 0, false, 'no WAL written');
});

test('a foreign file in place of the database: refused the same way, left as it was', () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, { quick: { schedule: '0 3 * * *', skill: 'command', options: { command: ['true'] } } });
  const database = join(workspace.dataDir, 'switchboard.db');
  // Not a database at all: someone's notes saved under the wrong name.
  mkdirSync(workspace.dataDir, { recursive: true });
  writeFileSync(database, 'Shopping list\n- milk\n- coffee\n'.repeat(200));
  const before = digest(database);

  assertRefused(workspace.cli('status'), 'status');
  assertRefused(workspace.cli('run', 'quick'), 'run');
  assert.equal(digest(database), before);
});
