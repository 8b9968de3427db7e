// Migration 014 rebuilds job_runs (a wider status CHECK, heartbeat and pgid columns): the runs,
// their steps and their cancel requests all survive it, and the new status is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, openStore } from '../../memory/store.ts';

const aDatabasePath = () => join(mkdtempSync(join(tmpdir(), 'sb-m014-')), 'switchboard.db');

test('runs written before 014 keep their steps and cancel requests after it', () => {
  const path = aDatabasePath();
  const before = listMigrations().filter((migration) => migration.version < 14);
  const old = openStore(path, { migrations: before });
  old
    .prepare(
      `INSERT INTO job_runs (id, job, skill, slot, idempotency_key, trigger, status, created_at) VALUES (7, 'j', 'command', '2026-01-01T00:00:00.000Z', 'j@2026-01-01T00:00:00.000Z', 'schedule', 'running', 'now')`,
    )
    .run();
  old.prepare(`INSERT INTO job_steps (run_id, step, kind, outcome, created_at) VALUES (7, 1, 'model', 'ok', 'now')`).run();
  old.prepare(`INSERT INTO run_cancellations (run_id, requested_at) VALUES (7, 'now')`).run();
  old.close();

  const db = openStore(path);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on after migrating');
  assert.deepEqual(db.prepare(`SELECT id, status, heartbeat_at, pgid FROM job_runs`).all(), [{ id: 7, status: 'running', heartbeat_at: null, pgid: null }]);
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM job_steps WHERE run_id = 7`).get() as { n: number }).n, 1);
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM run_cancellations WHERE run_id = 7`).get() as { n: number }).n, 1);
  db.prepare(`UPDATE job_runs SET status = 'degraded' WHERE id = 7`).run();
  assert.throws(() => db.prepare(`UPDATE job_runs SET status = 'half-done' WHERE id = 7`).run(), /CHECK/);
  // The steps still follow their run: deleting it cascades as before.
  db.prepare(`DELETE FROM job_runs WHERE id = 7`).run();
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM job_steps`).get() as { n: number }).n, 0);
  db.close();
});
