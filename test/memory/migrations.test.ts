import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, listMigrations, migrate, openStore, StoreVersionError, type Migration } from '../../memory/store.ts';

const aDatabasePath = () => join(mkdtempSync(join(tmpdir(), 'sb-migrate-')), 'switchboard.db');

// Numbers are handed out ahead of time to work landing in parallel, so a gap can exist for a
// while; what matters is that they only grow and never repeat.
test('the shipped migrations are numbered in increasing order without duplicates', () => {
  const versions = listMigrations().map((migration) => migration.version);
  assert.ok(versions.length >= 7);
  assert.equal(versions[0], 1);
  assert.ok(versions.every((version, index) => index === 0 || version > versions[index - 1]), versions.join(', '));
});

const latestVersion = () => Math.max(...listMigrations().map((migration) => migration.version));

test('a new database gets every migration, WAL, foreign keys and a busy timeout', () => {
  const path = aDatabasePath();
  const db = openStore(path);
  assert.equal(db.pragma('user_version', { simple: true }), latestVersion());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), BUSY_TIMEOUT_MS);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name);
  for (const table of ['calls', 'call_totals', 'job_runs', 'job_steps', 'job_state', 'kv', 'breakers', 'budget_reservations']) {
    assert.ok(tables.includes(table), `has ${table}`);
  }
  db.close();
});

test('opening again applies nothing and keeps the data', () => {
  const path = aDatabasePath();
  const first = openStore(path);
  first.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('k', 'v', 'now')").run();
  first.close();
  const second = openStore(path);
  assert.equal(migrate(second, path, listMigrations()), 0);
  assert.deepEqual(second.prepare("SELECT value FROM kv WHERE key = 'k'").get(), { value: 'v' });
  second.close();
});

test('an older database is brought up to date, only the missing migrations run', () => {
  const path = aDatabasePath();
  const all = listMigrations();
  const old = openStore(path, { migrations: all.slice(0, 2) });
  assert.equal(old.pragma('user_version', { simple: true }), 2);
  old.close();
  const db = openStore(path);
  assert.equal(db.pragma('user_version', { simple: true }), latestVersion());
  db.close();
});

test('a database written by a newer version is refused with a clear message and left untouched', () => {
  const path = aDatabasePath();
  openStore(path).close();
  const raw = new Database(path);
  raw.pragma('user_version = 999');
  raw.close();
  assert.throws(() => openStore(path), (error: unknown) => error instanceof StoreVersionError && /schema version 999.*newer release/.test(error.message));
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), 999);
  check.close();
});

test('a failing migration rolls back whole: no half-made table, version unchanged', () => {
  const path = aDatabasePath();
  const migrations: Migration[] = [
    { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' },
    { version: 2, name: 'bad', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);' },
  ];
  assert.throws(() => openStore(path, { migrations }), /no such table: nowhere/);
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), 1);
  const tables = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name);
  assert.deepEqual(tables, ['a']);
  check.close();
});
