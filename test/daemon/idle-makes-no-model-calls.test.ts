/**
 * An idle daemon costs nothing: on the shipped defaults (simulator standing in for every
 * provider) it schedules the morning briefing and makes no model call until a job runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { aWorkspace, sleep, spawnDaemon } from './process-harness.ts';

test('a daemon left idle makes no model call and writes no ledger row', async () => {
  const workspace = aWorkspace();
  // The shipped config, with the briefing moved far from now so that no slot falls in the test.
  const hour = (new Date().getUTCHours() + 12) % 24;
  writeFileSync(workspace.config, readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace('schedule: "0 7 * * *"', `schedule: "0 ${hour} * * *"`).replace('catchUp: { within: 3h }', 'catchUp: skip'));
  const daemon = spawnDaemon(workspace);
  try {
    const ready = JSON.parse(await daemon.waitForLine(/daemon-ready/, 15_000)) as { next: Record<string, string> };
    assert.ok(ready.next['morning-briefing'], 'the briefing is scheduled');
    await sleep(3_000);
  } finally {
    daemon.child.kill('SIGTERM');
  }
  assert.equal((await daemon.exited).code, 0);
  const path = join(workspace.dataDir, 'switchboard.db');
  assert.ok(existsSync(path));
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.prepare('SELECT COUNT(*) FROM calls').pluck().get(), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM job_runs').pluck().get(), 0);
  } finally {
    db.close();
  }
  assert.ok(!daemon.lines.some((line) => /"event":"job-start"/.test(line)));
});
