import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createBudgetLeases, dropOwnLeases, LEASE_MODEL, STALE_AFTER_MS, type BudgetLeases } from '../../memory/budget-lease.ts';
import { clearStaleReservations, listReservations, reserveBudget, type BudgetCaps } from '../../memory/budget.ts';
import type { CallRecord } from '../../memory/ledger.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { aConfig, aRequest, aRouter } from '../router/builders.ts';

const NOW = new Date('2025-06-15T12:00:00Z');
const capsOf = (daily: number, monthly = 1_000_000): BudgetCaps => ({ daily: { total: daily, tiers: {}, jobs: {} }, monthly: { total: monthly, tiers: {}, jobs: {} } });
const request = (amountUsd: number, at = NOW, job = 'briefing') => ({ day: at.toISOString().slice(0, 10), month: at.toISOString().slice(0, 7), tier: 'execution', job, model: 'm', amountUsd, createdAt: at });
const aCall = (costUsd: number, at = NOW, job = 'briefing'): CallRecord => ({
  startedAt: at,
  tier: 'execution',
  provider: 'p',
  model: 'm',
  usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
  costUsd,
  flagshipCostUsd: costUsd,
  latencyMs: 1,
  outcome: 'ok',
  simulated: false,
  job,
});
const spent = (db: Store) => (db.prepare('SELECT COALESCE(SUM(cost_usd), 0) FROM calls').pluck().get() as number);

/** One admitted call: reserve, then settle at `costUsd`; false when a cap refused it. */
function oneCall(leases: BudgetLeases, caps: BudgetCaps, worstCase: number, costUsd = worstCase, at = NOW): boolean {
  const admitted = leases.reserve(request(worstCase, at), caps);
  if (!admitted.ok) return false;
  leases.settle(admitted.ticket, aCall(costUsd, at), caps);
  return true;
}

test('through the router, with caps far away, each attempt is one write transaction once the lease is granted', async () => {
  const config = aConfig({ budgets: { daily: { total: 1_000, tiers: { execution: 500 }, jobs: { briefing: 200 } }, monthly: { total: 10_000 } } });
  const { router, db } = aRouter({ config });
  for (let index = 0; index < 20; index++) {
    await router.complete({ task: { tier: 'execution' }, request: aRequest(100, 50), origin: { job: 'briefing' } });
  }
  assert.equal(db.prepare('SELECT COUNT(*) FROM calls').pluck().get(), 20);
  assert.equal(router.budgetWrites, 21, 'one grant, then one settlement per attempt');
  const [lease] = listReservations(db);
  assert.equal(lease.model, LEASE_MODEL);
  router.releaseBudget();
  assert.deepEqual(listReservations(db), [], 'a closing router gives its lease back');
});

test('far from a cap a lease takes at most a quarter of the headroom, and every call settles in one write', () => {
  const db = openStore(':memory:');
  const leases = createBudgetLeases(db);
  const caps = capsOf(100);
  for (let index = 0; index < 10; index++) assert.ok(oneCall(leases, caps, 0.1));
  assert.equal(leases.writes, 11);
  const [lease] = listReservations(db);
  assert.ok(lease.amountUsd <= 0.1 + (100 - 0.1) / 4 + 1e-9, `${lease.amountUsd}`);
  assert.ok(Math.abs(spent(db) - 1) < 1e-9);
});

test('near a cap the lease holds exactly what is in flight: the cap is filled to the last call, never past it', () => {
  const db = openStore(':memory:');
  const leases = createBudgetLeases(db);
  const caps = capsOf(1);
  let admitted = 0;
  for (let index = 0; index < 12; index++) if (oneCall(leases, caps, 0.125)) admitted++;
  assert.equal(admitted, 8);
  assert.equal(spent(db), 1);
  assert.equal(leases.writes, 8 * 2 + 4, 'two writes per call here: a grant and a settlement; a refusal writes nothing but its check');
  const blocked = leases.reserve(request(0.125), caps);
  assert.equal(blocked.ok, false);
  if (!blocked.ok) assert.deepEqual([blocked.blocked.spentUsd, blocked.blocked.reservedUsd], [1, 0]);
});

test('two routers\' leases and a per-call reservation, interleaved on one file: no cap is ever passed', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-lease-')), 'switchboard.db');
  const cap = 20;
  const caps = capsOf(cap, 25);
  const connections = [openStore(path), openStore(path), openStore(path)];
  // Two live processes' pids (this one and its parent), as two routers in two processes would hold them.
  const leaseSets = [createBudgetLeases(connections[0], { pid: process.pid }), createBudgetLeases(connections[1], { pid: process.ppid })];
  let maxSeen = 0;
  async function lane(index: number): Promise<void> {
    for (let attempt = 0; attempt < 120; attempt++) {
      const worstCase = 0.05 + ((attempt * 7 + index * 3) % 10) / 100;
      const cost = worstCase * (0.5 + (attempt % 5) / 10);
      if (index < 2) {
        const leases = leaseSets[index];
        const admitted = leases.reserve(request(worstCase), caps);
        if (admitted.ok) {
          await delay(attempt % 3);
          leases.settle(admitted.ticket, aCall(cost), caps);
        }
      } else {
        const db = connections[2];
        const reservation = reserveBudget(db, request(worstCase, NOW, 'other'), caps);
        if (reservation.ok) {
          await delay(attempt % 2);
          const { settleReservation } = await import('../../memory/budget.ts');
          settleReservation(db, reservation.reservationId, aCall(cost, NOW, 'other'), caps);
        }
      }
      maxSeen = Math.max(maxSeen, spent(connections[2]));
      await delay(0);
    }
  }
  await Promise.all([lane(0), lane(0 + 1), lane(2), lane(0), lane(1)]);
  assert.ok(maxSeen <= cap + 1e-9, `spent ${maxSeen} against a cap of ${cap}`);
  assert.ok(maxSeen > cap - 0.5, `the cap was approached (${maxSeen}), so the race was real`);
  for (const leases of leaseSets) leases.release();
  assert.deepEqual(listReservations(connections[2]), []);
  for (const db of connections) db.close();
});

test('a new day gives back the old day\'s idle lease; a dead process\'s lease and an idle one are cleared', () => {
  const db = openStore(':memory:');
  const leases = createBudgetLeases(db, { pid: 2_000_000 });
  const caps = capsOf(100);
  assert.ok(oneCall(leases, caps, 0.1));
  const tomorrow = new Date(NOW.getTime() + 86_400_000);
  assert.ok(oneCall(leases, caps, 0.1, 0.1, tomorrow));
  assert.deepEqual(listReservations(db).map((row) => row.createdAt.slice(0, 10)), ['2025-06-16'], 'only the new day\'s lease is held');
  assert.equal(clearStaleReservations(db, { now: tomorrow, isAlive: () => false }), 1, 'its process is gone: the lease goes too');
  // A lease a gone process left (a command that exited without releasing) is cleared by the next grant.
  const gone = createBudgetLeases(db, { pid: 2_000_001 });
  assert.ok(oneCall(gone, caps, 0.1));
  const alive = createBudgetLeases(db);
  assert.ok(oneCall(alive, caps, 0.1));
  assert.deepEqual(listReservations(db).map((row) => row.pid), [process.pid]);
  alive.release();

  // An idle lease (not resized for STALE_AFTER_MS) is cleared by the next grant; its owner grants again before drawing.
  const owner = createBudgetLeases(db, { pid: process.pid });
  assert.ok(oneCall(owner, caps, 0.1));
  const later = new Date(NOW.getTime() + STALE_AFTER_MS + 1_000);
  const other = createBudgetLeases(db, { pid: process.ppid });
  assert.ok(oneCall(other, caps, 0.1, 0.1, later));
  assert.deepEqual(listReservations(db).map((row) => row.createdAt), [later.toISOString()], 'the idle lease is gone');
  const writes = owner.writes;
  assert.ok(oneCall(owner, caps, 0.1, 0.1, later));
  assert.equal(owner.writes, writes + 2, 'an old lease is granted again (a write) before it admits a call');
  assert.equal(listReservations(db).length, 2);
});

test('a second router of the same process drops the first one\'s lease, and the first grants again before its next call', () => {
  const db = openStore(':memory:');
  const caps = capsOf(100);
  const first = createBudgetLeases(db);
  assert.ok(oneCall(first, caps, 0.1));
  assert.equal(listReservations(db).length, 1);
  // A reload: the new router's clean-up drops what its process held.
  const second = createBudgetLeases(db);
  assert.equal(dropOwnLeases(db), 1);
  assert.deepEqual(listReservations(db), [], 'a reload gives the old lease back');
  const writes = first.writes;
  assert.ok(oneCall(first, caps, 0.1));
  assert.equal(first.writes, writes + 2, 'no call is admitted on a lease whose row is gone');
  assert.ok(oneCall(second, caps, 0.1));
  assert.equal(listReservations(db).length, 2);
});

test('sixteen calls that finish together settle in one group commit, each with its own ledger row and id', async () => {
  const config = aConfig({ budgets: { daily: { total: 1_000, tiers: { execution: 500 }, jobs: { briefing: 200 } }, monthly: { total: 10_000 } } });
  const { router, db } = aRouter({ config });
  await router.complete({ task: { tier: 'execution' }, request: aRequest(100, 50), origin: { job: 'briefing' } });
  const before = router.budgetWrites;
  const responses = await Promise.all(
    Array.from({ length: 16 }, () => router.complete({ task: { tier: 'execution' }, request: aRequest(100, 50), origin: { job: 'briefing' } })),
  );
  assert.equal(db.prepare('SELECT COUNT(*) FROM calls').pluck().get(), 17);
  const ids = responses.map((response) => response.callId);
  assert.equal(new Set(ids).size, 16, 'each call has its own row');
  assert.ok(router.budgetWrites - before < 16, `${router.budgetWrites - before} write transactions for 16 calls`);
  router.releaseBudget();
});

test('settlements written together on a tight lease leave the same lease and ledger as one by one', () => {
  const caps = capsOf(1);
  const run = (together: boolean) => {
    const db = openStore(':memory:');
    const leases = createBudgetLeases(db);
    const tickets = [0.2, 0.3, 0.1].map((amount) => {
      const admitted = leases.reserve(request(amount), caps);
      assert.ok(admitted.ok);
      return admitted.ticket;
    });
    const calls = [0.15, 0.35, 0.05].map((cost) => aCall(cost));
    const items = tickets.map((ticket, index) => ({ ticket, call: calls[index]! }));
    const settlements = together ? leases.settleMany(items, caps) : items.map(({ ticket, call }) => leases.settle(ticket, call, caps));
    return {
      ids: settlements.map((settlement) => settlement.callId),
      overruns: settlements.map((settlement) => settlement.overruns.length),
      spent: spent(db),
      leases: listReservations(db).map((lease) => ({ amount: Number(lease.amountUsd.toFixed(9)), model: lease.model })),
    };
  };
  assert.deepEqual(run(true), run(false));
});
