import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aConfig, aRouter } from './builders.ts';

// The builders' models allow 1,000 output tokens; a-big costs $10/$40 per 1M.
const noCap = { messages: [{ role: 'user' as const, content: 'x'.repeat(400) }] };

test('a request without an output cap is sent with routing.defaultMaxOutputTokens', async () => {
  const config = aConfig({ routing: { defaultMaxOutputTokens: 300 } });
  const { router, log } = aRouter({ config, tier: 'reasoning' });
  await router.complete({ task: {}, request: noCap });
  assert.equal(log[0].request.maxOutputTokens, 300);
});

test("the budget reserves against that default, not the model's whole output window", async () => {
  // Worst case at a-big: ~104 input tokens * $10 + 300 output * $40 = ~$0.013 under a $0.02 cap;
  // the model's full 1,000 output tokens would need ~$0.041 and be downgraded.
  const capped = { budgets: { daily: { tiers: { reasoning: 0.02 } }, onCap: 'downgrade' } };
  const withDefault = aRouter({ config: aConfig({ ...capped, routing: { defaultMaxOutputTokens: 300 } }), tier: 'reasoning' });
  const response = await withDefault.router.complete({ task: {}, request: noCap });
  assert.equal(response.downgradedFrom, undefined);
  assert.equal(response.decision.tier, 'reasoning');

  const explicit = aRouter({ config: aConfig(capped), tier: 'reasoning' });
  const downgraded = await explicit.router.complete({ task: {}, request: { ...noCap, maxOutputTokens: 1_000 } });
  assert.equal(downgraded.downgradedFrom, 'reasoning');
});

test('an explicit cap is kept and clamped to the model', async () => {
  const { router, log } = aRouter({ config: aConfig(), tier: 'reasoning' });
  await router.complete({ task: {}, request: { ...noCap, maxOutputTokens: 50 } });
  await router.complete({ task: {}, request: { ...noCap, maxOutputTokens: 5_000 } });
  assert.deepEqual(log.map((call) => call.request.maxOutputTokens), [50, 1_000]);
});
