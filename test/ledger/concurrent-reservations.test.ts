import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '../../memory/store.ts';
import { listReservations, type BudgetCaps } from '../../memory/budget.ts';
import { COST_USD, runReservations } from './reservation-worker.ts';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./reservation-worker.ts', import.meta.url));

function capsOf(totalDaily: number): BudgetCaps {
  return { daily: { total: totalDaily, tiers: {}, jobs: {} }, monthly: { tiers: {}, jobs: {} } };
}

test('four processes and interleaved async calls on one file: the cap holds exactly', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-budget-')), 'switchboard.db');
  openStore(path).close();
  const cap = 5; // exactly 40 calls of $0.125
  const expectedAdmitted = Math.floor(cap / COST_USD);
  const caps = JSON.stringify(capsOf(cap));

  const children = Array.from({ length: 4 }, (_, index) =>
    run(process.execPath, ['--import', 'tsx', WORKER, path, '20', '4', caps, `child-${index}`, '5']).then(({ stdout }) =>
      JSON.parse(stdout.trim()) as { admitted: number; refused: number },
    ),
  );
  const inProcess = runReservations(path, 20, 4, capsOf(cap), 'parent', 5);
  const results = await Promise.all([...children, inProcess]);

  // Several participants got a share: the race was real.
  assert.ok(results.filter((result) => result.admitted > 0).length >= 2, JSON.stringify(results));
  const admitted = results.reduce((sum, result) => sum + result.admitted, 0);
  const refused = results.reduce((sum, result) => sum + result.refused, 0);
  assert.equal(admitted + refused, 100);
  assert.equal(admitted, expectedAdmitted);

  const db = openStore(path);
  const settled = db.prepare('SELECT COUNT(*) AS calls, SUM(cost_usd) AS spent FROM calls').get() as { calls: number; spent: number };
  const rolledUp = db.prepare('SELECT SUM(calls) AS calls, SUM(cost_usd) AS spent FROM call_totals').get() as { calls: number; spent: number };
  assert.equal(settled.calls, expectedAdmitted);
  assert.ok(settled.spent <= cap);
  assert.equal(settled.spent, cap);
  assert.deepEqual(rolledUp, settled);
  assert.deepEqual(listReservations(db), []);
  db.close();
});
