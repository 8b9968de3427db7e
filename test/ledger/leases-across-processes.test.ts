import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listReservations, type BudgetCaps } from '../../memory/budget.ts';
import { openStore } from '../../memory/store.ts';
import { runLeases } from './lease-worker.ts';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./lease-worker.ts', import.meta.url));

test('four processes\' leases and the parent\'s, interleaved on one file: no cap is passed, most attempts write once, nothing is left reserved', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-leases-')), 'switchboard.db');
  openStore(path).close();
  // A daily total far from reach at first, a monthly total the calls run into: leases grow, then go tight.
  const caps: BudgetCaps = { daily: { total: 100, tiers: {}, jobs: {} }, monthly: { total: 6, tiers: { execution: 50 }, jobs: {} } };
  const children = Array.from({ length: 4 }, (_, index) =>
    run(process.execPath, ['--import', 'tsx', WORKER, path, '80', '4', JSON.stringify(caps), `child-${index}`, '5']).then(
      ({ stdout }) => JSON.parse(stdout.trim()) as { admitted: number; refused: number; writes: number },
    ),
  );
  const results = await Promise.all([...children, runLeases(path, 80, 4, caps, 'parent', 5)]);
  assert.ok(results.filter((result) => result.admitted > 0).length >= 3, JSON.stringify(results));

  const db = openStore(path);
  const spent = db.prepare('SELECT SUM(cost_usd) FROM calls').pluck().get() as number;
  const admitted = results.reduce((sum, result) => sum + result.admitted, 0);
  assert.equal(db.prepare('SELECT COUNT(*) FROM calls').pluck().get(), admitted);
  assert.ok(spent <= 6 + 1e-9, `spent ${spent} against a monthly cap of 6`);
  assert.ok(spent > 5, `the cap was reached for (${spent}), so the race was real`);
  // Far from the cap an admitted attempt writes once (its settlement); near it twice (grant and settlement).
  // A refused attempt is one transaction that changes nothing, as a refused reservation always was.
  const writes = results.reduce((sum, result) => sum + result.writes, 0);
  const refused = results.reduce((sum, result) => sum + result.refused, 0);
  assert.ok(writes - refused < 1.5 * admitted, `${writes - refused} writes for ${admitted} admitted calls`);
  assert.deepEqual(listReservations(db), [], 'every lease was given back');
  const totals = db.prepare("SELECT reserved_usd AS reserved, reservations FROM budget_totals WHERE period = '2025-06' AND scope = 'total'").get() as { reserved: number; reservations: number };
  assert.deepEqual(totals, { reserved: 0, reservations: 0 }, 'the running totals agree');
  db.close();
});
