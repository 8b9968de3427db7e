/**
 * The ledger's checkpoints run in a worker thread (memory/checkpointer.ts): the router hands
 * them off at its first settlement, the worker copies the log back while calls go on, the
 * worker ends with the connection, and a failed worker gives the main connection its own
 * checkpoints back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { backgroundCheckpoints, DEFAULT_AUTOCHECKPOINT_PAGES, FALLBACK_PAGES } from '../../memory/checkpointer.ts';
import { openStore } from '../../memory/store.ts';
import { aRequest, aRouter } from '../router/builders.ts';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(20);
  }
}

test('the router hands checkpoints to a worker at its first settlement; the worker copies the log back while calls go on', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sb-checkpoints-'));
  const db = openStore(join(directory, 'switchboard.db'));
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), DEFAULT_AUTOCHECKPOINT_PAGES, 'before any call: SQLite\'s default');
    const { router } = aRouter({ db });
    await router.complete({ task: { tier: 'execution' }, request: aRequest(100, 50) });
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), FALLBACK_PAGES, 'after the first settlement the main connection checkpoints only as a fallback');
    const checkpoints = backgroundCheckpoints(db)!;
    assert.ok(checkpoints.running);
    for (let index = 0; index < 50; index++) await router.complete({ task: { tier: 'execution' }, request: aRequest(100, 50) });
    await until(() => checkpoints.checkpoints > 0, 'a checkpoint by the worker');
    // Every frame of the log is in the database file: a new connection reads all 51 rows, and the log was copied.
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    assert.equal(row!.checkpointed, row!.log, 'nothing left in the log that the worker did not copy');
    assert.equal(db.prepare('SELECT COUNT(*) FROM calls').pluck().get(), 51);
  } finally {
    db.close();
  }
  assert.equal(backgroundCheckpoints(db)?.running, false, 'the worker ended with the connection');
  const again = openStore(join(directory, 'switchboard.db'));
  assert.equal(again.prepare('SELECT COUNT(*) FROM calls').pluck().get(), 51, 'every row is in the file');
  again.close();
  assert.ok(statSync(join(directory, 'switchboard.db')).size > 0);
  rmSync(directory, { recursive: true, force: true });
});

test('a worker that fails gives the main connection SQLite\'s own checkpoints back', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sb-checkpoints-'));
  const db = openStore(join(directory, 'switchboard.db'));
  try {
    const checkpoints = backgroundCheckpoints(db, { workerSource: "throw new Error('cannot open the database')" })!;
    await until(() => !checkpoints.running, 'the worker to fail');
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), DEFAULT_AUTOCHECKPOINT_PAGES);
  } finally {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a database in memory has no log: no worker', () => {
  const db = openStore(':memory:');
  assert.equal(backgroundCheckpoints(db), undefined);
  db.close();
});
