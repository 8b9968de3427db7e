import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { listReservations } from '../../memory/budget.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { budgetCapsFromConfig } from '../../agent/router/router.ts';
import { aConfig, aRequest, aRouter } from './builders.ts';

// aRequest(100, 500): ~100 input tokens, 500 max output. Worst case at a-big ($10/$40):
// (100 * 10 + 500 * 40) / 1M = $0.021; at a-mid ($2/$8): $0.0042; at a-small ($1/$2): $0.0011.

test('at a tier cap with onCap: downgrade, the call moves a tier down and says so', async () => {
  const config = aConfig({ budgets: { daily: { tiers: { reasoning: 0.01 } }, onCap: 'downgrade' } });
  const { router, db, log } = aRouter({ config, tier: 'reasoning' });
  const response = await router.complete({ task: {}, request: aRequest(100, 500) });

  assert.equal(response.downgradedFrom, 'reasoning');
  assert.equal(response.decision.tier, 'execution');
  assert.match(response.decision.reason, /budget: daily tier reasoning cap \$0\.0100 reached .*downgraded to execution/);
  assert.deepEqual(log.map((call) => call.model), ['a-mid']);
  const rows = listCalls(db);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].tier, 'execution');
  assert.deepEqual(listReservations(db), []);
});

test('a total cap that blocks every tier: budget_exceeded naming the cap, no call, no row', async () => {
  const config = aConfig({ budgets: { daily: { total: 0.001 }, onCap: 'downgrade' } });
  const { router, db, log } = aRouter({ config, tier: 'reasoning' });
  const failure = await router.complete({ task: {}, request: aRequest(100, 500) }).catch((error) => error);

  assert.ok(failure instanceof ProviderError);
  assert.equal(failure.kind, 'budget_exceeded');
  assert.match(failure.message, /daily total cap \$0\.0010 reached/);
  assert.equal(log.length, 0);
  assert.equal(listCalls(db).length, 0);
});

test('with onCap: defer, a capped call fails with budget_exceeded instead of downgrading', async () => {
  const config = aConfig({ budgets: { daily: { tiers: { reasoning: 0.01 } }, onCap: 'defer' } });
  const { router, log } = aRouter({ config, tier: 'reasoning' });
  const failure = await router.complete({ task: {}, request: aRequest(100, 500) }).catch((error) => error);
  assert.ok(failure instanceof ProviderError);
  assert.equal(failure.kind, 'budget_exceeded');
  assert.match(failure.message, /daily tier reasoning cap/);
  assert.equal(log.length, 0);
});

test('a job cap counts only that job, and jobs.<name>.budget applies like budgets.*.jobs', async () => {
  const config = aConfig({
    budgets: { monthly: { jobs: { digest: 1 } } },
    jobs: { digest: { schedule: '0 7 * * *', skill: 'briefing', budget: { daily: 0.005 } } },
  });
  assert.deepEqual(budgetCapsFromConfig(config).daily.jobs, { digest: 0.005 });
  assert.deepEqual(budgetCapsFromConfig(config).monthly.jobs, { digest: 1 });
  const { router, db } = aRouter({ config, tier: 'execution', deps: {} });
  // Each execution call settles at (100 * 2 + 50 * 8) / 1M = $0.0006 but reserves $0.0042 first.
  await router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'digest' } });
  const capped = await router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'digest' } }).catch((error) => error);
  // 0.0006 spent + 0.0042 needed <= 0.005: admitted at execution. A third: 0.0012 + 0.0042 > 0.005: downgraded.
  assert.equal(capped.downgradedFrom, undefined);
  const third = await router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'digest' } });
  assert.equal(third.downgradedFrom, 'execution');
  assert.equal(third.modelId, 'a-small');
  // Other jobs are not held back by digest's cap.
  const other = await router.complete({ task: {}, request: aRequest(100, 500), origin: { job: 'other' } });
  assert.equal(other.downgradedFrom, undefined);
  assert.equal(listCalls(db, { job: 'digest' }).length, 3);
});
