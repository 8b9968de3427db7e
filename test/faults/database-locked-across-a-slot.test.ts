// Fault: another process holds the database's write lock for 5 s across several slots. Each slot
// that could not be recorded is retried until it is, then run or marked missed by the policy:
// none is lost, none runs twice, no row stays running, and the daemon says what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { aFaultWorkspace, readLines, readRuns, sleep, unaccountedSlots, until, writeFaultConfig } from './harness.ts';

test('a write lock held for 5 s across slots: every slot recorded after, none lost or doubled', async () => {
  const workspace = aFaultWorkspace();
  const keys = join(workspace.dir, 'keys');
  writeFaultConfig(workspace.config, {
    tick: { schedule: '*/2 * * * * *', skill: 'command', options: { command: ['sh', '-c', `echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${keys}`] } },
  });
  const daemon = workspace.daemon();
  await daemon.waitForLine(/"event":"job-end"/);

  const holder = new Database(join(workspace.dataDir, 'switchboard.db'));
  holder.pragma('busy_timeout = 5000');
  holder.exec('BEGIN IMMEDIATE');
  holder.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('test.lock', 'held', 'now')`).run();
  const lockedAt = Date.now();
  await sleep(5_000);
  holder.exec('COMMIT');
  holder.close();
  // Slots after the lock are recorded and run again.
  await until(() => readRuns(workspace.dataDir).some((run) => Date.parse(run.slot) > lockedAt + 6_000 && run.status === 'succeeded'), 'a slot after the lock to run', 30_000);
  daemon.child.kill('SIGTERM');
  assert.equal((await daemon.exited).code, 0, daemon.lines.join('\n'));

  const runs = readRuns(workspace.dataDir);
  assert.ok(daemon.lines.some((line) => /"event":"slot-claim-deferred"|"event":"run-end-pending"/.test(line)), 'the lock was noticed and waited out');
  assert.deepEqual(unaccountedSlots(runs, 2), [], `every slot accounted for: ${JSON.stringify(runs.map((run) => [run.slot, run.status]))}`);
  assert.equal(new Set(runs.map((run) => run.idempotency_key)).size, runs.length);
  const effects = readLines(keys);
  assert.equal(new Set(effects).size, effects.length, 'no slot ran twice');
  assert.ok(!runs.some((run) => run.status === 'running' || run.status === 'queued'), 'no row left running');
  for (const run of runs.filter((row) => row.status === 'missed')) assert.match(run.error ?? '', /database could not record it|did not reach them/);
  assert.ok(!runs.some((run) => run.status === 'skipped_overlap' && /still running/.test(run.error ?? '') && !runs.some((other) => other.status === 'succeeded')), 'no false overlap');
});
