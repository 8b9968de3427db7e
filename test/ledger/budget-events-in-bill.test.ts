import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billFor } from '../../memory/bill.ts';
import { budgetEventsFor } from '../../memory/budget-events.ts';
import { renderBill } from '../../agent/cli/commands/bill.ts';
import { aConfig, aRequest, aRouter } from '../router/builders.ts';

test('a downgrade and a deferral by budget caps are recorded and shown in the bill', async () => {
  const config = aConfig({ budgets: { daily: { tiers: { reasoning: 0.01, execution: 0.001 } }, onCap: 'downgrade' } });
  const { router, db } = aRouter({ config, tier: 'reasoning' });
  // reasoning is capped, execution too: the call lands on orchestration after two downgrades.
  const response = await router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'market' } });
  assert.equal(response.downgradedFrom, 'reasoning');
  assert.equal(response.decision.tier, 'orchestration');

  const day = '2025-06-15'; // the test router's clock
  const events = budgetEventsFor(db, { day });
  assert.equal(events.downgrades, 2);
  assert.equal(events.deferrals, 0);
  assert.ok(events.lines.some((line) => /^market: 1 call downgraded reasoning → execution; daily tier reasoning cap/.test(line)), events.lines.join('\n'));

  const bill = billFor(db, { period: 'month', date: day });
  assert.equal(bill.budgetEvents.downgrades, 2);
  assert.match(renderBill(bill), /Budget caps acted: 2 downgraded, 0 deferred/);
});

test('a deferral is counted even though no call was made', async () => {
  const config = aConfig({ budgets: { daily: { tiers: { reasoning: 0.01 } }, onCap: 'defer' } });
  const { router, db } = aRouter({ config, tier: 'reasoning' });
  await assert.rejects(router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'market' } }), { kind: 'budget_exceeded' });
  const bill = billFor(db, { period: 'day', date: '2025-06-15' });
  assert.equal(bill.totals.calls, 0);
  assert.equal(bill.budgetEvents.deferrals, 1);
  assert.match(renderBill(bill), /No calls in this period\.\n\nBudget caps acted: 0 downgraded, 1 deferred\n  market: 1 call deferred \(reasoning\)/);
});
