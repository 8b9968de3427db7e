import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { aWorkspace, readRuns, sleep, spawnDaemon, writeConfig } from './process-harness.ts';

test('SIGTERM: exit 0, every slot accounted for once, each key written once', async () => {
  const workspace = aWorkspace();
  writeConfig(workspace.config, workspace.keys);
  const daemon = spawnDaemon(workspace);
  const ready = JSON.parse(await daemon.waitForLine(/daemon-ready/));
  assert.equal(ready.dataDir, workspace.dataDir);
  assert.equal(ready.jobs, 1);
  await sleep(3_000);
  daemon.child.kill('SIGTERM');
  const exit = await daemon.exited;
  assert.equal(exit.code, 0, daemon.lines.join('\n'));

  const runs = readRuns(workspace.dataDir);
  assert.ok(runs.length >= 2, `expected runs, found ${runs.length}`);
  assert.equal(new Set(runs.map((run) => run.idempotency_key)).size, runs.length, 'no duplicate slot');
  const seconds = runs.map((run) => Date.parse(run.slot) / 1000);
  for (let index = 1; index < seconds.length; index++) assert.equal(seconds[index] - seconds[index - 1], 1, 'no slot skipped silently');
  assert.deepEqual(new Set(runs.map((run) => run.status)), new Set(['succeeded']));
  const keys = readFileSync(workspace.keys, 'utf8').trim().split('\n');
  assert.deepEqual(keys.sort(), runs.map((run) => run.idempotency_key).sort());
});

test('a second daemon on the same data dir refuses with a clear message', async () => {
  const workspace = aWorkspace();
  writeConfig(workspace.config, workspace.keys);
  const first = spawnDaemon(workspace);
  await first.waitForLine(/daemon-ready/);
  const second = spawnDaemon(workspace);
  const exit = await second.exited;
  assert.equal(exit.code, 1);
  assert.match(second.lines.join('\n'), /another Switchboard daemon \(pid \d+/);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
});

test('SIGHUP with a broken config keeps the daemon running on the old one', async () => {
  const workspace = aWorkspace();
  writeConfig(workspace.config, workspace.keys);
  const daemon = spawnDaemon(workspace);
  await daemon.waitForLine(/daemon-ready/);
  writeFileSync(workspace.config, 'version: 1\njobs:\n  bad:\n    schedule: 12\n');
  daemon.child.kill('SIGHUP');
  const failure = JSON.parse(await daemon.waitForLine(/config-reload-failed/));
  assert.equal(failure.level, 'error');
  assert.ok(failure.issues.some((issue: { path: string }) => issue.path.startsWith('jobs.bad')), JSON.stringify(failure.issues));
  const before = readRuns(workspace.dataDir).length;
  await sleep(1_500);
  assert.ok(readRuns(workspace.dataDir).length > before, 'still running jobs after the failed reload');
  daemon.child.kill('SIGTERM');
  assert.equal((await daemon.exited).code, 0);
});
