import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billFor } from '../../memory/bill.ts';
import { recordBudgetEvent, budgetEventsFor } from '../../memory/budget-events.ts';
import { reserveBudget, releaseReservation, type BudgetCaps } from '../../memory/budget.ts';
import { dayIn, ledgerTimeZone, useLedgerTimeZone } from '../../memory/ledger-days.ts';
import { getCall, ledgerPeriod, recordCall, type CallRecord } from '../../memory/ledger.ts';
import { openStore, type Store } from '../../memory/store.ts';
import { spendOnLocalDay } from '../../agent/cli/commands/status.ts';

function aCall(startedAt: string, costUsd = 0.01, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    startedAt: new Date(startedAt),
    tier: 'execution',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
    costUsd,
    flagshipCostUsd: costUsd * 10,
    latencyMs: 5,
    outcome: 'ok',
    simulated: false,
    job: 'briefing',
    ...overrides,
  };
}

const dailyCap = (total: number): BudgetCaps => ({ daily: { total, tiers: {}, jobs: {} }, monthly: { tiers: {}, jobs: {} } });

function spentOn(db: Store, period: string): number {
  const row = db.prepare(`SELECT spent_usd AS spent FROM budget_totals WHERE period = ? AND scope = 'total' AND name = ''`).get(period) as { spent: number } | undefined;
  return row?.spent ?? 0;
}

test('a call at 23:30 local on the last day of a month counts on that day and month in the owner\'s zone, not the UTC ones', () => {
  const db = openStore(':memory:');
  useLedgerTimeZone(db, 'America/Los_Angeles');
  // 23:30 on 30 November in Los Angeles is 07:30 on 1 December UTC.
  const id = recordCall(db, aCall('2026-12-01T07:30:00Z', 0.25));
  const row = getCall(db, id)!;
  assert.equal(row.day, '2026-11-30');
  assert.equal(row.month, '2026-11');
  const november30 = billFor(db, { period: 'day', date: '2026-11-30' });
  assert.equal(november30.totals.calls, 1);
  assert.equal(november30.timeZone, 'America/Los_Angeles');
  assert.equal(billFor(db, { period: 'month', date: '2026-11' }).totals.costUsd, 0.25);
  assert.equal(billFor(db, { period: 'day', date: '2026-12-01' }).totals.calls, 0, 'not on the UTC day');
  assert.equal(billFor(db, { period: 'month', date: '2026-12' }).totals.calls, 0, 'not in the UTC month');
  assert.equal(spentOn(db, '2026-11-30'), 0.25);
  assert.equal(spentOn(db, '2026-11'), 0.25);
  // `status`'s "spend today": from the rollup when the ledger counts the owner's days, by scan otherwise: the same answer.
  assert.equal(spendOnLocalDay(db, '2026-11-30', 'America/Los_Angeles'), 0.25);
  assert.equal(spendOnLocalDay(db, '2026-12-01', 'UTC'), 0.25);
  assert.equal(spendOnLocalDay(db, '2026-11-30', 'UTC'), 0);
});

test('a daily cap counts the owner\'s day: 23:30 local spend blocks that day, and the next local day starts fresh', () => {
  const db = openStore(':memory:');
  useLedgerTimeZone(db, 'America/New_York');
  const late = new Date('2026-12-02T04:30:00Z'); // 23:30 on 1 December in New York
  recordCall(db, aCall(late.toISOString(), 0.9));
  const sameDay = ledgerPeriod(new Date('2026-12-02T04:45:00Z'), ledgerTimeZone(db));
  assert.deepEqual(sameDay, { day: '2026-12-01', month: '2026-12' });
  const blocked = reserveBudget(db, { ...sameDay, tier: 'execution', model: 'gpt-4o-mini', amountUsd: 0.2, createdAt: late }, dailyCap(1));
  assert.equal(blocked.ok, false);
  if (!blocked.ok) assert.equal(blocked.blocked.spentUsd, 0.9);
  const nextDay = ledgerPeriod(new Date('2026-12-02T05:30:00Z'), ledgerTimeZone(db)); // 00:30 on 2 December there
  assert.equal(nextDay.day, '2026-12-02');
  const allowed = reserveBudget(db, { ...nextDay, tier: 'execution', model: 'gpt-4o-mini', amountUsd: 0.2, createdAt: late }, dailyCap(1));
  assert.equal(allowed.ok, true);
  if (allowed.ok) releaseReservation(db, allowed.reservationId);
});

test('a ledger written in UTC is re-counted once in the owner\'s zone: rows, rollups, running totals, reservations and cap events move', () => {
  const db = openStore(':memory:');
  assert.equal(ledgerTimeZone(db), 'UTC', 'a ledger with no recorded zone counts UTC days');
  const late = '2026-12-01T23:30:00Z'; // 00:30 on 2 December in Paris
  const id = recordCall(db, aCall(late, 0.4));
  recordCall(db, aCall('2026-12-01T12:00:00Z', 0.1));
  recordBudgetEvent(db, { at: new Date(late), job: 'briefing', kind: 'defer', fromTier: 'reasoning', cap: 'daily total cap $1.0000 reached' });
  const held = reserveBudget(db, { day: '2026-12-01', month: '2026-12', tier: 'execution', model: 'gpt-4o-mini', amountUsd: 0.05, createdAt: new Date(late) }, dailyCap(10));
  assert.ok(held.ok);
  assert.equal(getCall(db, id)!.day, '2026-12-01');

  const rezoned = useLedgerTimeZone(db, 'Europe/Paris', new Date('2026-12-02T08:00:00Z'));
  assert.deepEqual(rezoned, { from: 'UTC', to: 'Europe/Paris', movedCalls: 1 });
  assert.equal(ledgerTimeZone(db), 'Europe/Paris');
  assert.equal(getCall(db, id)!.day, '2026-12-02');
  assert.equal(billFor(db, { period: 'day', date: '2026-12-02' }).totals.costUsd, 0.4);
  assert.equal(billFor(db, { period: 'day', date: '2026-12-01' }).totals.costUsd, 0.1);
  assert.equal(billFor(db, { period: 'month', date: '2026-12' }).totals.calls, 2, 'the month keeps both');
  assert.equal(spentOn(db, '2026-12-02'), 0.4);
  assert.equal(spentOn(db, '2026-12-01'), 0.1);
  const reserved = db.prepare(`SELECT reserved_usd AS reserved FROM budget_totals WHERE period = '2026-12-02' AND scope = 'total'`).get() as { reserved: number };
  assert.equal(reserved.reserved, 0.05, 'the live reservation moved with its day');
  assert.equal(budgetEventsFor(db, { day: '2026-12-02' }).deferrals, 1);
  assert.equal(budgetEventsFor(db, { day: '2026-12-01' }).deferrals, 0);
  assert.equal(useLedgerTimeZone(db, 'Europe/Paris'), undefined, 'the same zone again changes nothing');
  // A new row after the change lands on the owner's day straight away.
  assert.equal(getCall(db, recordCall(db, aCall('2026-12-02T23:10:00Z')))!.day, '2026-12-03');
});

test('an unknown zone is refused before anything moves', () => {
  const db = openStore(':memory:');
  recordCall(db, aCall('2026-12-01T23:30:00Z'));
  assert.throws(() => useLedgerTimeZone(db, 'Mars/Olympus_Mons'), RangeError);
  assert.equal(ledgerTimeZone(db), 'UTC');
  assert.equal(dayIn(new Date('2026-12-01T23:30:00Z'), 'Asia/Kathmandu'), '2026-12-02', 'quarter-hour offsets too (+05:45)');
});
