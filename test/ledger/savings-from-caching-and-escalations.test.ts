import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billFor } from '../../memory/bill.ts';
import { listCalls, type CallRow } from '../../memory/ledger.ts';
import { completeChecked, type CheckResult } from '../../skills/escalation.ts';
import { tierAbovePricer } from '../../agent/bill-baselines.ts';
import { renderBill } from '../../agent/cli/commands/bill.ts';
import { calculateCost, priceOn } from '../../agent/cost.ts';
import { resolveModels } from '../../agent/runtime.ts';
import type { RoutedResponse } from '../../contracts/router.ts';
import { aConfig, aRouter, aUsage } from '../router/builders.ts';

const isNumber = (response: RoutedResponse): CheckResult<number> =>
  Number.isFinite(Number(response.text)) ? { ok: true, value: Number(response.text) } : { ok: false, problem: 'not a number' };
const step = (text: string) => ({ task: { kind: 'extract', tier: 'orchestration' as const, text }, request: { messages: [{ role: 'user' as const, content: text }] } });

/** A day with one checked step that passed on orchestration, one escalated to execution, and one call that read the prompt cache. */
async function aDay() {
  const config = aConfig();
  // a-mid reads its prompt cache at a quarter of the input price and writes it at 1.25x.
  config.models['a-mid'].prices = [{ ...config.models['a-mid'].prices![0], cachedInput: 0.5, cacheWrite: 2.5 }];
  const harness = aRouter({
    config,
    scripts: {
      'a-small': [{ answer: '42' }, { answer: 'forty-two' }],
      'a-mid': [{ answer: '42' }, { answer: 'cached answer', usage: aUsage({ inputTokens: 200, cachedInputTokens: 4_000, cacheWriteTokens: 100 }) }],
    },
  });
  const passed = await completeChecked(harness.router, step('first'), isNumber);
  const escalated = await completeChecked(harness.router, step('second'), isNumber);
  await harness.router.complete({ task: { tier: 'execution' }, request: { messages: [{ role: 'user', content: 'long shared prefix' }] } });
  return { ...harness, config, passed, escalated };
}

/** The definition in memory/bill.ts, applied to plain ledger rows. */
function avoidedFromRows(rows: CallRow[]): CallRow[] {
  return rows.filter((row) => row.checked && row.outcome === 'ok' && row.escalatedFromCall === null && !rows.some((other) => other.escalatedFromCall === row.id));
}

test('checked steps are written with the row: the answer that failed its check is the one the re-run escalates from', async () => {
  const { db, passed, escalated } = await aDay();
  const rows = listCalls(db);
  assert.equal(rows.length, 4);
  const [first, failedAnswer, reRun, cached] = rows;
  assert.equal(first.id, passed.response.callId);
  assert.deepEqual([first.checked, first.escalatedFromCall], [true, null]);
  assert.deepEqual([failedAnswer.checked, failedAnswer.tier], [true, 'orchestration']);
  assert.deepEqual([reRun.checked, reRun.tier, reRun.escalatedFromCall], [true, 'execution', failedAnswer.id]);
  assert.equal(reRun.id, escalated.response.callId);
  assert.deepEqual([cached.checked, cached.escalatedFromCall], [false, null], 'an unchecked call is neither');
});

test('escalations avoided and made are their own bill lines, reproducible from the ledger rows', async () => {
  const { db, config } = await aDay();
  const models = resolveModels(config);
  const bill = billFor(db, { period: 'day', date: '2025-06-15' }, [], { tierAbove: tierAbovePricer(config, models) });
  const rows = listCalls(db);

  const avoided = avoidedFromRows(rows);
  assert.equal(avoided.length, 1);
  const onTierAbove = avoided.reduce((sum, row) => sum + calculateCost(row, priceOn(models.get(config.tiers.execution[0])!, row.day)), 0);
  const routed = avoided.reduce((sum, row) => sum + row.costUsd, 0);
  assert.equal(bill.escalations.avoided.steps, 1);
  assert.equal(bill.escalations.avoided.routedCostUsd, routed);
  assert.equal(bill.escalations.avoided.tierAboveCostUsd, onTierAbove);
  // a-small costs $1/$2 per 1M tokens, a-mid (first of execution) $2/$8: 100 in + 50 out.
  assert.ok(Math.abs(bill.escalations.avoided.savedUsd - (0.0006 - 0.0002)) < 1e-12);

  const reRuns = rows.filter((row) => row.escalatedFromCall !== null);
  const failedAnswers = rows.filter((row) => reRuns.some((reRun) => reRun.escalatedFromCall === row.id));
  assert.deepEqual(bill.escalations.made, {
    steps: failedAnswers.length,
    failedAnswersCostUsd: failedAnswers.reduce((sum, row) => sum + row.costUsd, 0),
    reRunCostUsd: reRuns.reduce((sum, row) => sum + row.costUsd, 0),
  });
  assert.equal(bill.escalations.made.steps, 1);
});

test('prompt caching is its own line: the rows\' frozen savings, equal to their token counts at the dated price', async () => {
  const { db, config } = await aDay();
  const models = resolveModels(config);
  const bill = billFor(db, { period: 'day', date: '2025-06-15' });
  const rows = listCalls(db);
  const fromRows = rows.reduce((sum, row) => sum + row.cacheSavingsUsd, 0);
  const recomputed = rows.reduce((sum, row) => {
    const price = priceOn(models.get(row.model)!, row.day);
    return sum + (row.cachedInputTokens * (price.input - price.cachedInput) - row.cacheWriteTokens * (price.cacheWrite - price.input)) / 1_000_000;
  }, 0);
  assert.ok(fromRows > 0, 'the cached call saved something');
  assert.ok(Math.abs(bill.promptCaching.savedUsd - fromRows) < 1e-12);
  assert.ok(Math.abs(fromRows - recomputed) < 1e-12);
  assert.equal(bill.promptCaching.cachedInputTokens, 4_000);
  assert.equal(bill.promptCaching.cacheWriteTokens, 100);
  const json = JSON.parse(JSON.stringify(bill)) as typeof bill;
  assert.equal(json.promptCaching.savedUsd, bill.promptCaching.savedUsd, 'bill --json carries the line');
});

test('the printed bill shows each saving on its own line with the figures it comes from', async () => {
  const { db, config } = await aDay();
  const bill = billFor(db, { period: 'day', date: '2025-06-15' }, [], { tierAbove: tierAbovePricer(config, resolveModels(config)) });
  const text = renderBill(bill);
  assert.match(text, /^Saved by prompt caching +\$\d\.\d+ +\(4,000 cached input, 100 cache-write tokens\)$/m);
  assert.match(text, /^Saved by escalations avoided +\$0\.000400 +\(1 checked step passed on their tier: \$0\.000200 vs \$0\.000600 on the tier above\)$/m);
  assert.match(text, /^Escalations made +1 step re-run a tier up: failed answers \$0\.000200, re-runs \$0\.000600$/m);
});

test('a day without checked steps says so instead of a zero saving', async () => {
  const harness = aRouter();
  await harness.router.complete({ task: { tier: 'execution' }, request: { messages: [{ role: 'user', content: 'hello' }] } });
  const bill = billFor(harness.db, { period: 'day', date: '2025-06-15' }, [], { tierAbove: tierAbovePricer(aConfig(), resolveModels(aConfig())) });
  assert.deepEqual(bill.escalations.avoided, { steps: 0, routedCostUsd: 0, tierAboveCostUsd: 0, savedUsd: 0 });
  assert.match(renderBill(bill), /^Escalations avoided +none \(no checked step in this period\)$/m);
});
