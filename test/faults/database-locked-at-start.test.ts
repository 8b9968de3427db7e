// Fault: another process holds the database's write lock for 3 s while the daemon starts.
// Start-up (stale reservations, dead runs, the missed-slot accounting of recover()) waits the
// lock out asynchronously instead of crashing or freezing: the daemon comes up, records the
// slots it missed while it was down once the lock is gone, and runs the next slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { aFaultWorkspace, readLines, readRuns, sleep, unaccountedSlots, until, writeFaultConfig } from './harness.ts';

test('a write lock held 3 s across a daemon start: it waits, then accounts for the missed slots and runs on', async () => {
  const workspace = aFaultWorkspace();
  const keys = join(workspace.dir, 'keys');
  writeFaultConfig(workspace.config, {
    tick: { schedule: '*/2 * * * * *', skill: 'command', options: { command: ['sh', '-c', `echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${keys}`] } },
  });
  const first = workspace.daemon();
  await first.waitForLine(/"event":"job-end"/);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0, first.lines.join('\n'));
  // Down for a few slots.
  await sleep(4_500);

  const holder = new Database(join(workspace.dataDir, 'switchboard.db'));
  holder.exec('BEGIN IMMEDIATE');
  holder.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('test.lock', 'held', 'now')`).run();
  const second = workspace.daemon();
  // The daemon is up (and says so) while the lock is still held.
  await second.waitForLine(/"event":"daemon-ready"/, 20_000);
  await sleep(3_000);
  const releasedAt = Date.now();
  holder.exec('COMMIT');
  holder.close();

  await until(() => readRuns(workspace.dataDir).some((run) => Date.parse(run.slot) > releasedAt && run.status === 'succeeded'), 'a slot after the lock to run', 30_000);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0, second.lines.join('\n'));

  assert.ok(second.lines.some((line) => /"event":"recover-deferred"/.test(line)), `the lock was noticed at start:\n${second.lines.join('\n')}`);
  const runs = readRuns(workspace.dataDir);
  const missed = runs.filter((run) => run.status === 'missed' && /missed while the daemon was down/.test(run.error ?? ''));
  assert.equal(missed.length, 1, `the downtime recorded once: ${JSON.stringify(runs.map((run) => [run.slot, run.status, run.error]))}`);
  assert.deepEqual(unaccountedSlots(runs, 2), [], 'every slot accounted for');
  assert.equal(new Set(runs.map((run) => run.idempotency_key)).size, runs.length);
  const effects = readLines(keys);
  assert.equal(new Set(effects).size, effects.length, 'no slot ran twice');
  assert.ok(!runs.some((run) => run.status === 'running' || run.status === 'queued'), 'no row left running');
});
