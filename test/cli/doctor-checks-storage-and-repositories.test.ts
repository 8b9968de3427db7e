/**
 * `doctor`'s local rows: the database (full integrity check, migrations applied, owner-only
 * permissions, opened read-only so doctor never changes it), the data dir, and every code-edit
 * repository (exists, is a git work tree). `config check` refuses a code-edit repository that
 * does not exist. Each row passes and fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { listMigrations, openStore } from '../../memory/store.ts';
import { doctorRows, runCliAsync } from '../helpers/doctor-cli.ts';

function aWorkspace(skillsYaml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-local-'));
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'config.yaml'), `${readFileSync(DEFAULT_CONFIG_PATH, 'utf8')}\n${skillsYaml}\n`);
  const run = (...args: string[]) => runCliAsync(['--config', join(dir, 'config.yaml'), '--data-dir', dataDir, ...args], { HOME: dir });
  return { dir, dataDir, databasePath: join(dataDir, 'switchboard.db'), run };
}

function aGitRepository(parent: string, name: string): string {
  const path = join(parent, name);
  mkdirSync(path, { recursive: true });
  const result = spawnSync('git', ['init', '-q', path], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return path;
}

test('database: a healthy store passes; a world-readable one fails with chmod as the fix, unchanged by doctor', async () => {
  const workspace = aWorkspace();
  openStore(workspace.databasePath).close();
  assert.equal(statSync(workspace.databasePath).mode & 0o777, 0o600, 'a new store is created owner-only');
  const latest = Math.max(...listMigrations().map((migration) => migration.version));

  const healthy = doctorRows(await workspace.run('doctor', '--json'));
  const row = healthy.rows.get('database');
  assert.equal(row?.ok, true, JSON.stringify(row));
  assert.match(row!.detail, new RegExp(`integrity ok, schema ${latest}/${latest}, mode 600`));

  chmodSync(workspace.databasePath, 0o644);
  const result = await workspace.run('doctor', '--json');
  const open = doctorRows(result).rows.get('database');
  assert.equal(result.status, 1);
  assert.equal(open?.ok, false);
  assert.match(open!.detail, /mode 644 lets other users read it/);
  assert.equal(open!.fix, `chmod 600 ${workspace.databasePath}`);
  assert.equal(statSync(workspace.databasePath).mode & 0o777, 0o644, 'doctor reports, it does not change');
});

test('database: pending migrations and a corrupt file fail, and doctor migrates nothing', async () => {
  const workspace = aWorkspace();
  openStore(workspace.databasePath).close();
  const db = new Database(workspace.databasePath);
  db.pragma('user_version = 1');
  db.close();
  const behind = doctorRows(await workspace.run('doctor', '--json')).rows.get('database');
  assert.equal(behind?.ok, false);
  assert.match(behind!.detail, /schema 1, migrations up to \d+ not applied/);
  assert.match(behind!.fix ?? '', /switchboard start/);
  const after = new Database(workspace.databasePath, { readonly: true });
  assert.equal(after.pragma('user_version', { simple: true }), 1, 'still at version 1: read-only check');
  after.close();

  writeFileSync(workspace.databasePath, Buffer.alloc(8192, 0x41));
  const corrupt = doctorRows(await workspace.run('doctor', '--json')).rows.get('database');
  assert.equal(corrupt?.ok, false);
  assert.match(corrupt!.detail, /not a database|malformed|file is not/i);
  assert.match(corrupt!.fix ?? '', /backup/);
});

test('data dir: writable passes; a file where the directory should be fails', async () => {
  const workspace = aWorkspace();
  mkdirSync(workspace.dataDir, { recursive: true });
  const ok = doctorRows(await workspace.run('doctor', '--json')).rows.get('data dir');
  assert.equal(ok?.ok, true);
  assert.match(ok!.detail, /is writable/);

  const blocked = aWorkspace();
  writeFileSync(blocked.dataDir, 'not a directory');
  const result = await blocked.run('doctor', '--json');
  const row = doctorRows(result).rows.get('data dir');
  assert.equal(result.status, 1);
  assert.equal(row?.ok, false);
  assert.match(row!.detail, /not a directory/);
});

test('repositories: a git work tree passes; a plain folder and a missing path fail; config check refuses the missing one', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'sb-doctor-repos-'));
  const repo = aGitRepository(parent, 'app');
  const plain = join(parent, 'notes');
  mkdirSync(plain);
  const missing = join(parent, 'gone');
  const workspace = aWorkspace(`skills:\n  code-edit:\n    allowedRepos: [${repo}, ${plain}, ${missing}]`);

  const result = await workspace.run('doctor', '--json');
  const { rows } = doctorRows(result);
  assert.equal(result.status, 1);
  assert.equal(rows.get(`repository ${repo}`)?.ok, true);
  assert.match(rows.get(`repository ${plain}`)!.detail, /skills\.code-edit\.allowedRepos\.1: .* is not a git work tree/);
  assert.equal(rows.get(`repository ${plain}`)!.ok, false);
  assert.match(rows.get(`repository ${missing}`)!.detail, /skills\.code-edit\.allowedRepos\.2: .* does not exist/);

  const check = await workspace.run('config', 'check');
  assert.equal(check.status, 2);
  assert.match(check.stderr, /skills\.code-edit\.allowedRepos\.2: .*gone does not exist; a code-edit repository must be an existing git work tree/);
  assert.match(check.stderr, /skills\.code-edit\.allowedRepos\.1: .*notes is not a git work tree/);

  const fixed = aWorkspace(`skills:\n  code-edit:\n    allowedRepos: [${repo}]`);
  const passing = await fixed.run('config', 'check');
  assert.equal(passing.status, 0, passing.stderr);
});
