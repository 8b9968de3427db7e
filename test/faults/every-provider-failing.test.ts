// Fault: every provider answers 500 (an outage at every vendor). Through the real CLI, a
// briefing run is `failed` with the cause and sends nothing; with `onModelFailure: figures-only`
// it sends the figures, says so at the top, and is `degraded`: never `succeeded`. `runs` and
// `status` show it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, ANY_MODEL } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aFaultWorkspace, countCalls, outboxMails, readRuns, writeFaultConfig } from './harness.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator();
  simulator.setFault(ANY_MODEL, { fault: 'server' });
});
after(() => simulator.close());

test('every model call fails, default options: run exits 1, the run is failed and no mail goes out', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, { briefing: { schedule: '0 7 * * *', skill: 'briefing', options: { sections: ['spend', 'jobs'] } } }, { baseURL: simulator.openaiBaseURL });

  const result = await workspace.cliAsync('run', 'briefing');
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /briefing: failed — every model call of the briefing failed/);
  const [run] = readRuns(workspace.dataDir);
  assert.equal(run.status, 'failed');
  assert.ok(countCalls(workspace.dataDir) >= 2, 'each model was tried and recorded');
  assert.equal(outboxMails(workspace.dataDir).length, 0, 'nothing was sent');

  const status = await workspace.cliAsync('status');
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /briefing .*last failed \(run 1, .*\): every model call of the briefing failed/);
});

test('every model call fails, figures-only allowed: the mail says so at the top and the run is degraded', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(
    workspace.config,
    { briefing: { schedule: '0 7 * * *', skill: 'briefing', options: { sections: ['spend', 'jobs'], onModelFailure: 'figures-only' } } },
    { baseURL: simulator.openaiBaseURL },
  );

  const result = await workspace.cliAsync('run', 'briefing');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /briefing: degraded — .*figures only/);
  const [run] = readRuns(workspace.dataDir);
  assert.equal(run.status, 'degraded');
  assert.match(run.error ?? '', /intro \(server\)/);

  // Quoted-printable soft line breaks joined back.
  const mails = outboxMails(workspace.dataDir).map((mail) => mail.replace(/=\r?\n/g, ''));
  assert.ok(mails.length >= 1, 'the figures went out');
  assert.match(mails.join('\n'), /Subject: .*\(figures only\)/);
  assert.match(mails.join('\n'), /FIGURES ONLY: every model call failed \(server\)/);

  const runs = await workspace.cliAsync('runs');
  assert.match(runs.stdout, /briefing .* degraded .*1 part\(s\) failed: intro \(server\)/);
  const show = await workspace.cliAsync('runs', 'show', String(run.id));
  assert.match(show.stdout, /error:\n  1 part\(s\) failed: intro \(server\)/);
  assert.match(show.stdout, /failed parts:\n  intro \(server\): every model of tier orchestration failed/);
});
