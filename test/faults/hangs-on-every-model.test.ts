// Fault: every model hangs (accepts the connection, never answers). The run's call deadline
// (jobs.<name>.callDeadline) ends every call, retry and fallback together: the briefing fails
// honestly at the deadline, not after four provider timeouts, and nothing is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, ANY_MODEL } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aFaultWorkspace, outboxMails, readRuns, writeFaultConfig } from './harness.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator();
  simulator.setFault(ANY_MODEL, { fault: 'hang' });
});
after(() => simulator.close());

test('both models hang with a 60 s provider timeout: the run fails at its 3 s call deadline', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(
    workspace.config,
    { briefing: { schedule: '0 7 * * *', skill: 'briefing', callDeadline: '3s', options: { sections: ['spend'] } } },
    { baseURL: simulator.openaiBaseURL },
  );

  const result = await workspace.cliAsync('run', 'briefing');
  assert.equal(result.status, 1, result.stdout + result.stderr);
  const [run] = readRuns(workspace.dataDir);
  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /timeout: model calls of this run passed their deadline of 3000 ms \(jobs\.briefing\.callDeadline\)/);
  const took = Date.parse((readRuns(workspace.dataDir)[0] as unknown as { ended_at: string }).ended_at) - Date.parse(run.started_at!);
  // The deadline plus room for a loaded machine; one provider timeout alone would be 60 s.
  assert.ok(took < 20_000, `the run took ${took} ms`);
  assert.equal(outboxMails(workspace.dataDir).length, 0);
});
