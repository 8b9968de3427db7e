import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { listCalls, type CallRecord } from '../../memory/ledger.ts';
import {
  clearStaleReservations,
  listReservations,
  releaseReservation,
  reserveBudget,
  settleReservation,
  type BudgetCaps,
  type ReservationRequest,
} from '../../memory/budget.ts';

const NOW = new Date('2025-06-15T12:00:00Z');

function caps(overrides: Partial<BudgetCaps> = {}): BudgetCaps {
  return { daily: { tiers: {}, jobs: {} }, monthly: { tiers: {}, jobs: {} }, ...overrides };
}

function aReservation(amountUsd: number, overrides: Partial<ReservationRequest> = {}): ReservationRequest {
  return { day: '2025-06-15', month: '2025-06', tier: 'execution', job: 'digest', model: 'm', amountUsd, createdAt: NOW, ...overrides };
}

function aCall(costUsd: number, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    startedAt: NOW,
    tier: 'execution',
    provider: 'p',
    model: 'm',
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd,
    flagshipCostUsd: costUsd * 4,
    latencyMs: 5,
    outcome: 'ok',
    simulated: false,
    job: 'digest',
    ...overrides,
  };
}

test('no applicable cap: nothing is reserved, settling just writes the row', () => {
  const db = openStore(':memory:');
  const result = reserveBudget(db, aReservation(1), caps({ daily: { tiers: { reasoning: 0.5 }, jobs: { other: 0.1 } } }));
  assert.deepEqual(result, { ok: true, reservationId: 0 });
  const { callId: id } = settleReservation(db, 0, aCall(1));
  assert.equal(listCalls(db)[0].id, id);
});

test('live reservations count against the cap until settled, then the settled cost does', () => {
  const db = openStore(':memory:');
  const daily = caps({ daily: { total: 1, tiers: {}, jobs: {} } });
  const first = reserveBudget(db, aReservation(0.6), daily);
  assert.equal(first.ok, true);
  const second = reserveBudget(db, aReservation(0.6), daily);
  assert.deepEqual(second, {
    ok: false,
    blocked: { scope: 'total', period: 'daily', capUsd: 1, spentUsd: 0, reservedUsd: 0.6, requestedUsd: 0.6 },
  });
  // The call cost less than its worst case: the difference is free again.
  if (first.ok) settleReservation(db, first.reservationId, aCall(0.25));
  assert.deepEqual(listReservations(db), []);
  assert.equal(reserveBudget(db, aReservation(0.75), daily).ok, true);
  assert.equal(reserveBudget(db, aReservation(0.01), daily).ok, false);
});

test('the blocking cap is named: tier, job, monthly', () => {
  const db = openStore(':memory:');
  settleReservation(db, 0, aCall(2, { startedAt: new Date('2025-06-01T00:00:00Z') }));
  const tierCapped = reserveBudget(db, aReservation(0.5), caps({ daily: { tiers: { execution: 0.4 }, jobs: {} } }));
  assert.deepEqual(tierCapped.ok ? undefined : [tierCapped.blocked.scope, tierCapped.blocked.name, tierCapped.blocked.period], ['tier', 'execution', 'daily']);
  const jobCapped = reserveBudget(db, aReservation(0.5), caps({ monthly: { tiers: {}, jobs: { digest: 2.2 } } }));
  assert.deepEqual(jobCapped.ok ? undefined : [jobCapped.blocked.scope, jobCapped.blocked.name, jobCapped.blocked.period, jobCapped.blocked.spentUsd], [
    'job',
    'digest',
    'monthly',
    2,
  ]);
  // Another job's cap is untouched by digest's spend.
  assert.equal(reserveBudget(db, aReservation(0.5, { job: 'other' }), caps({ monthly: { tiers: {}, jobs: { other: 0.6 } } })).ok, true);
});

test('a released reservation frees its amount', () => {
  const db = openStore(':memory:');
  const daily = caps({ daily: { total: 1, tiers: {}, jobs: {} } });
  const held = reserveBudget(db, aReservation(1), daily);
  assert.equal(reserveBudget(db, aReservation(0.1), daily).ok, false);
  if (held.ok) releaseReservation(db, held.reservationId);
  assert.equal(reserveBudget(db, aReservation(0.1), daily).ok, true);
});

test('reservations of dead processes, and very old ones, are cleared', () => {
  const db = openStore(':memory:');
  const daily = caps({ daily: { total: 10, tiers: {}, jobs: {} } });
  reserveBudget(db, aReservation(1, { pid: 111 }), daily);
  reserveBudget(db, aReservation(1, { pid: 222 }), daily);
  reserveBudget(db, aReservation(1, { pid: 222, createdAt: new Date(NOW.getTime() - 2 * 3_600_000) }), daily);
  const cleared = clearStaleReservations(db, { now: NOW, isAlive: (pid) => pid === 222 });
  assert.equal(cleared, 2);
  assert.deepEqual(listReservations(db).map((reservation) => reservation.pid), [222]);
});

test('the real liveness check: this process is alive, a reaped pid is not', () => {
  const db = openStore(':memory:');
  const daily = caps({ daily: { total: 10, tiers: {}, jobs: {} } });
  reserveBudget(db, aReservation(1), daily);
  reserveBudget(db, aReservation(1, { pid: 2 ** 22 + 1 }), daily);
  assert.equal(clearStaleReservations(db, { now: NOW }), 1);
  assert.deepEqual(listReservations(db).map((reservation) => reservation.pid), [process.pid]);
});
