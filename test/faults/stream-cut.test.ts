// Fault: the first model's answer is cut mid-body after it started (a dropped connection, a proxy
// timeout). The cut attempt is recorded as a failed call in the ledger, the briefing falls back
// to the next model and finishes: a finished job, with the cut visible, never a silent success.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aFaultWorkspace, outboxMails, readRuns, writeFaultConfig } from './harness.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator();
  simulator.setFault('first-model', { fault: 'cut', afterChunks: 3 });
});
after(() => simulator.close());

test('an answer cut mid-way on the first model: recorded as failed, the second model finishes the briefing', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, { briefing: { schedule: '0 7 * * *', skill: 'briefing', options: { sections: ['spend'] } } }, { baseURL: simulator.openaiBaseURL });

  const result = await workspace.cliAsync('run', 'briefing');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const [run] = readRuns(workspace.dataDir);
  assert.equal(run.status, 'succeeded');
  assert.equal(outboxMails(workspace.dataDir).length, 1);

  const db = new Database(join(workspace.dataDir, 'switchboard.db'), { readonly: true });
  const calls = db.prepare(`SELECT model, outcome, error_kind FROM calls WHERE run_id = ? ORDER BY id`).all(run.id) as Array<{ model: string; outcome: string; error_kind: string | null }>;
  db.close();
  const cut = calls.filter((call) => call.model === 'first');
  assert.ok(cut.length >= 1 && cut.every((call) => call.outcome === 'error'), JSON.stringify(calls));
  assert.ok(calls.some((call) => call.model === 'second' && call.outcome === 'ok'), JSON.stringify(calls));
});
