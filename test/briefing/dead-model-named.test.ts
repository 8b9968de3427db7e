// Issue 11: when a tier's first model answers 404 (retired), the briefing still goes out on the
// next model, and names the dead model at the top, so the owner learns of it from the mail
// itself, not only from `status`. Through the real CLI against the simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import { aFaultWorkspace, outboxMails, readRuns, writeFaultConfig } from '../faults/harness.ts';

let simulator: Simulator;
before(async () => {
  simulator = await startSimulator();
  simulator.setFault('first-model', { fault: 'model_not_found' });
});
after(() => simulator.close());

test('a retired first model: the briefing finishes on the second and names the dead model at the top', async () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, { briefing: { schedule: '0 7 * * *', skill: 'briefing', options: { sections: ['spend', 'jobs'] } } }, { baseURL: simulator.openaiBaseURL });

  const result = await workspace.cliAsync('run', 'briefing');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(readRuns(workspace.dataDir)[0].status, 'succeeded');
  const [mail] = outboxMails(workspace.dataDir).map((text) => text.replace(/=\r?\n/g, ''));
  assert.ok(mail, 'the briefing went out');
  const text = mail.slice(0, mail.indexOf('Content-Type: text/html'));
  assert.match(text, /MODELS AND PROVIDERS\s+- Model first \(p, "first-model"\) answered 404 on \d{4}-\d{2}-\d{2}: it is skipped until its config or catalogue entry changes/);
  assert.ok(text.indexOf('MODELS AND PROVIDERS') < text.indexOf('Spend'), 'named before the sections');
  assert.match(mail, /<strong>Models and providers\.<\/strong>/);
});
