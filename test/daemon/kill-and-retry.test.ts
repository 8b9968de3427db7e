import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { aWorkspace, readRunGroups, readRuns, sleep, spawnDaemon, writeConfig } from './process-harness.ts';

async function killMidRunThenRestart(retryInterrupted: boolean) {
  const workspace = aWorkspace();
  // A long job: 1.5 s of work before its side effect.
  writeConfig(workspace.config, workspace.keys, { script: 'sleep 1.5;', retryInterrupted });
  const first = spawnDaemon(workspace);
  await first.waitForLine(/daemon-ready/);
  await first.waitForLine(/"event":"job-start"/);
  await sleep(300);
  const victim = readRuns(workspace.dataDir).find((run) => run.status === 'running');
  assert.ok(victim, 'a run is in progress');
  // kill -9 of the daemon and of the job's children (their own process group), as systemd's
  // control-group kill would. (test/faults/ covers a kill of the daemon alone: orphans.)
  const childGroup = readRunGroups(workspace.dataDir).get(victim.id);
  assert.ok(childGroup, 'the run recorded its children\'s process group');
  process.kill(-first.child.pid!, 'SIGKILL');
  process.kill(-childGroup, 'SIGKILL');
  await first.exited;

  const second = spawnDaemon(workspace);
  await second.waitForLine(/daemon-ready/);
  await sleep(2_500);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0, second.lines.join('\n'));
  const runs = readRuns(workspace.dataDir);
  const keys = existsSync(workspace.keys) ? readFileSync(workspace.keys, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { victim, runs, keys, lines: second.lines };
}

function assertSideEffectsOncePerCompletedRun(runs: Array<{ idempotency_key: string; status: string }>, keys: string[]) {
  assert.equal(new Set(keys).size, keys.length, `a key was written twice: ${keys.join(', ')}`);
  const succeeded = new Set(runs.filter((run) => run.status === 'succeeded').map((run) => run.idempotency_key));
  for (const key of keys) assert.ok(succeeded.has(key), `side effect of ${key} without a succeeded run`);
}

test('kill -9 mid-run, retryInterrupted true: the run is interrupted, then retried once with the same key', async () => {
  const { victim, runs, keys, lines } = await killMidRunThenRestart(true);
  const row = runs.find((run) => run.id === victim.id)!;
  assert.equal(row.attempt, 2, lines.join('\n'));
  assert.equal(row.trigger, 'retry');
  assert.equal(row.status, 'succeeded');
  assert.ok(lines.some((line) => line.includes('"event":"run-interrupted"')));
  assert.equal(keys.filter((key) => key === victim.idempotency_key).length, 1);
  assertSideEffectsOncePerCompletedRun(runs, keys);
  assert.equal(new Set(runs.map((run) => run.idempotency_key)).size, runs.length);
});

test('kill -9 mid-run, retryInterrupted false: the run stays interrupted and its side effect never happens', async () => {
  const { victim, runs, keys } = await killMidRunThenRestart(false);
  const row = runs.find((run) => run.id === victim.id)!;
  assert.equal(row.status, 'interrupted');
  assert.equal(row.attempt, 1);
  assert.ok(!keys.includes(victim.idempotency_key));
  assertSideEffectsOncePerCompletedRun(runs, keys);
  assert.ok(!runs.some((run) => run.status === 'running' || run.status === 'queued'), `nothing left running after SIGTERM: ${JSON.stringify(runs)}`);
});
