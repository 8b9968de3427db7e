// Fault: the daemon is suspended (SIGSTOP, as a laptop lid or a frozen VM) across several slots,
// then resumed. With `catchUp: skip` no slot runs late: the slots it slept through are recorded
// `missed` with the true reason (not "previous run still running"), and later slots run on time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { aFaultWorkspace, readLines, readRuns, sleep, unaccountedSlots, until, writeFaultConfig } from './harness.ts';

test('SIGSTOP for 7 s across slots, catchUp skip: slept-through slots are missed, none runs late', async () => {
  const workspace = aFaultWorkspace();
  const keys = join(workspace.dir, 'keys');
  writeFaultConfig(workspace.config, {
    tick: { schedule: '*/2 * * * * *', skill: 'command', catchUp: 'skip', options: { command: ['sh', '-c', `echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${keys}`] } },
  });
  const daemon = workspace.daemon();
  await daemon.waitForLine(/"event":"job-end"/);

  process.kill(daemon.child.pid!, 'SIGSTOP');
  const stoppedAt = Date.now();
  await sleep(7_000);
  process.kill(daemon.child.pid!, 'SIGCONT');
  const resumedAt = Date.now();
  await until(() => readRuns(workspace.dataDir).some((run) => Date.parse(run.slot) > resumedAt + 1_000 && run.status === 'succeeded'), 'a slot after the resume to run', 30_000);
  daemon.child.kill('SIGTERM');
  assert.equal((await daemon.exited).code, 0, daemon.lines.join('\n'));

  const runs = readRuns(workspace.dataDir);
  const during = runs.filter((run) => Date.parse(run.slot) > stoppedAt + 500 && Date.parse(run.slot) < resumedAt - 1_500);
  assert.ok(during.length > 0, `slots fell in the suspension: ${JSON.stringify(runs.map((run) => [run.slot, run.status]))}`);
  for (const run of during) {
    assert.equal(run.status, 'missed', `${run.slot} ran late or was skipped: ${run.status} ${run.error}`);
    assert.match(run.error ?? '', /suspended|clock jump/);
  }
  assert.ok(!runs.some((run) => run.status === 'skipped_overlap'), 'no false "previous run still running"');
  // Nothing that ran started long after its slot.
  for (const run of runs.filter((row) => row.status === 'succeeded')) {
    assert.ok(Date.parse(run.started_at!) - Date.parse(run.slot) < 3_000, `${run.slot} started at ${run.started_at}`);
  }
  assert.deepEqual(unaccountedSlots(runs, 2), []);
  const effects = readLines(keys);
  assert.equal(new Set(effects).size, effects.length);
});
