// Fault: kill -9 of the daemon while a briefing waits on a model call. The restarted daemon marks
// the run interrupted and, the briefing being safe to redo (delivered once per slot key) and the
// slot within `retryWithin`, retries it once: exactly one mail for that slot, nothing left running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, ANY_MODEL } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aFaultWorkspace, outboxMails, readRuns, sleep, until, writeFaultConfig } from './harness.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator();
});
after(() => simulator.close());

test('kill -9 mid model call: interrupted, retried once within retryWithin, one mail for the slot', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(
    workspace.config,
    { briefing: { schedule: '*/20 * * * * *', skill: 'briefing', retryInterrupted: true, retryWithin: '10m', options: { sections: ['spend'] } } },
    { baseURL: simulator.openaiBaseURL },
  );
  simulator.setFault(ANY_MODEL, { fault: 'delay', ms: 60_000 });

  const first = workspace.daemon();
  await first.waitForLine(/"event":"job-start"/, 60_000);
  await until(() => simulator.requests.length > 0, 'the model call to be in flight');
  const victim = readRuns(workspace.dataDir).find((run) => run.status === 'running')!;
  assert.ok(victim, 'a briefing run is in progress');
  process.kill(first.child.pid!, 'SIGKILL');
  await first.exited;
  simulator.setFault(ANY_MODEL, undefined);

  const second = workspace.daemon();
  await second.waitForLine(/"event":"daemon-ready"/);
  await until(() => readRuns(workspace.dataDir).find((run) => run.id === victim.id)?.status === 'succeeded', 'the retried run to succeed', 60_000);
  await sleep(500);
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 0, second.lines.join('\n'));

  const row = readRuns(workspace.dataDir).find((run) => run.id === victim.id)!;
  assert.equal(row.attempt, 2);
  assert.equal(row.trigger, 'retry');
  const mails = outboxMails(workspace.dataDir).filter((mail) => mail.includes(`X-Switchboard-Run: ${victim.id}\r\n`));
  assert.equal(mails.length, 1, 'exactly one mail for the interrupted slot');
  assert.ok(!readRuns(workspace.dataDir).some((run) => run.status === 'running' || run.status === 'queued'));
});
