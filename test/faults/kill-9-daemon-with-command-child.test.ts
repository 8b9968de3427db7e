// Fault: kill -9 of the daemon (only the daemon: its job's child keeps running in its own process
// group) during a command job. The restarted daemon marks the run interrupted and ends the
// orphaned child (and its grandchild) before it can do its work, and a job that is not declared
// idempotent is not redone: nothing done twice, nothing left running. (Commands that read runs
// do the same without a restart: kill-9-of-switchboard-run.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { aFaultWorkspace, processAlive, readLines, readRuns, sleep, until, writeFaultConfig } from './harness.ts';

test('kill -9 of the daemon mid-run: interrupted at once, orphans ended at restart, not redone', async () => {
  const workspace = aFaultWorkspace();
  const effects = join(workspace.dir, 'effects');
  const pids = join(workspace.dir, 'pids');
  // The child starts a grandchild, records both pids, then works for a long time before its side effect.
  const script = `sleep 300 & echo $! >> ${pids}; echo $$ >> ${pids}; sleep 30; echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${effects}`;
  writeFaultConfig(workspace.config, {
    slow: { schedule: '*/2 * * * * *', skill: 'command', retryInterrupted: true, options: { command: ['sh', '-c', script] } },
  });

  const first = workspace.daemon();
  await first.waitForLine(/"event":"job-start"/);
  const children = await until(() => (readLines(pids).length === 2 ? readLines(pids).map(Number) : undefined), 'the child and grandchild pids');
  const victim = await until(() => readRuns(workspace.dataDir).find((run) => run.status === 'running' && run.pgid !== null), 'the running run with its pgid');
  process.kill(first.child.pid!, 'SIGKILL');
  await first.exited;
  assert.ok(children.every(processAlive), 'the children outlived the daemon (their own group)');

  const second = workspace.daemon();
  await second.waitForLine(/"event":"daemon-ready"/);
  await until(() => !children.some(processAlive), 'the orphans to be ended', 15_000);
  await sleep(1_000);
  const status = workspace.cli('status');
  assert.equal(status.status, 0, status.stderr);
  // Whatever the latest slot did (running, skipped while the first runs, ...), status names it with its run.
  assert.match(status.stdout, /slow\s+command\s+.*[a-z_]+ \(run \d+/, status.stdout);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0, second.lines.join('\n'));

  const row = readRuns(workspace.dataDir).find((run) => run.id === victim.id)!;
  assert.equal(row.status, 'interrupted');
  assert.equal(row.attempt, 1, 'not redone: the command job is not declared idempotent');
  assert.match(row.error ?? '', /not retried: the command skill does not declare this job safe to redo/);
  assert.ok(!readLines(effects).includes(victim.idempotency_key), 'the killed run never did its side effect');
  assert.equal(new Set(readLines(effects)).size, readLines(effects).length, 'no side effect twice');
  assert.ok(second.lines.some((line) => line.includes('"event":"orphans-ended"')), 'the restart logged the orphans it ended');
  assert.ok(!readRuns(workspace.dataDir).some((run) => run.status === 'running' || run.status === 'queued'));
});
