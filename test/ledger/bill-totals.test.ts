import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../memory/store.ts';
import { recordCall, type CallRecord } from '../../memory/ledger.ts';
import { billFor } from '../../memory/bill.ts';
import { renderBill } from '../../agent/cli/commands/bill.ts';

function aCall(overrides: Partial<CallRecord>): CallRecord {
  return {
    startedAt: new Date('2025-06-15T12:00:00Z'),
    tier: 'orchestration',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
    costUsd: 0.001,
    flagshipCostUsd: 0.02,
    latencyMs: 100,
    outcome: 'ok',
    simulated: false,
    ...overrides,
  };
}

function aLedger(): Store {
  const db = openStore(':memory:');
  recordCall(db, aCall({ job: 'briefing' }));
  recordCall(db, aCall({ job: 'briefing', outcome: 'error', errorKind: 'rate_limited', costUsd: 0, flagshipCostUsd: 0 }));
  recordCall(db, aCall({
    job: 'briefing',
    tier: 'reasoning',
    provider: 'anthropic',
    model: 'claude-opus',
    usage: { inputTokens: 500, cachedInputTokens: 4_000, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 },
    costUsd: 0.05,
    flagshipCostUsd: 0.06,
    cacheSavingsUsd: 0.0054,
  }));
  recordCall(db, aCall({ tier: 'execution', model: 'gpt-4o', costUsd: 0.01, flagshipCostUsd: 0.08, startedAt: new Date('2025-06-16T01:00:00Z') }));
  // Another month: never in June's bill.
  recordCall(db, aCall({ costUsd: 9, flagshipCostUsd: 9, startedAt: new Date('2025-07-01T00:00:00Z') }));
  return db;
}

const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test('a month: totals, and the breakdowns by tier, job and model add up to them', () => {
  const bill = billFor(aLedger(), { period: 'month', date: '2025-06' });
  assert.equal(bill.label, '2025-06');
  assert.equal(bill.totals.calls, 4);
  assert.equal(bill.totals.failedCalls, 1);
  assert.equal(bill.totals.inputTokens, 3_500);
  assert.equal(bill.totals.cachedInputTokens, 4_000);
  near(bill.totals.costUsd, 0.061);
  near(bill.totals.flagshipCostUsd, 0.16);
  assert.deepEqual(bill.byTier.map((line) => [line.key, line.calls]), [
    ['reasoning', 1],
    ['execution', 1],
    ['orchestration', 2],
  ]);
  assert.deepEqual(bill.byJob.map((line) => [line.key, line.calls]), [
    ['briefing', 3],
    ['(ad hoc)', 1],
  ]);
  assert.deepEqual(bill.byModel.map((line) => [line.key, line.provider, line.calls]), [
    ['claude-opus', 'anthropic', 1],
    ['gpt-4o', 'openai', 1],
    ['gpt-4o-mini', 'openai', 2],
  ]);
  for (const breakdown of [bill.byTier, bill.byJob, bill.byModel]) {
    near(breakdown.reduce((sum, line) => sum + line.costUsd, 0), bill.totals.costUsd);
  }
});

test('savings ratio and percent saved, hand-computed', () => {
  const bill = billFor(aLedger(), { period: 'month', date: '2025-06-20' });
  // flagship 0.16 / routed 0.061 = 2.6229...; saved 1 - 0.061 / 0.16 = 61.875 %.
  near(bill.savings.ratio!, 0.16 / 0.061);
  near(bill.savings.percentSaved!, 61.875);
  near(bill.cacheSavingsUsd, 0.0054);
  assert.equal(bill.includesSimulated, false);
});

test('a day bills only that UTC day', () => {
  const bill = billFor(aLedger(), { period: 'day', date: '2025-06-16' });
  assert.equal(bill.totals.calls, 1);
  near(bill.totals.costUsd, 0.01);
});

test('an empty period is all zeros, with no ratio', () => {
  const bill = billFor(openStore(':memory:'), { period: 'month', date: '2024-01' });
  assert.equal(bill.totals.calls, 0);
  assert.equal(bill.savings.ratio, null);
  assert.equal(bill.savings.percentSaved, null);
  assert.deepEqual(bill.byTier, []);
  assert.match(renderBill(bill), /No calls in this period/);
});

test('simulated calls are counted and announced', () => {
  const db = aLedger();
  recordCall(db, aCall({ simulated: true }));
  const bill = billFor(db, { period: 'month', date: '2025-06' });
  assert.equal(bill.includesSimulated, true);
  assert.equal(bill.simulatedCalls, 1);
  assert.match(renderBill(bill, 'o1'), /^Bill for month 2025-06 \(UTC\) \(includes simulated calls\)/);
});

test('a malformed period is refused with the expected shape', () => {
  assert.throws(() => billFor(openStore(':memory:'), { period: 'day', date: '2025-6-1' }), /a day is YYYY-MM-DD/);
});
