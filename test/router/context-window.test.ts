import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { ChainError } from '../../agent/router/router.ts';
import { estimateInputTokens } from '../../agent/router/chain.ts';
import { aConfig, aRequest, aRouter } from './builders.ts';

test('context_too_long moves the request to the large-context chain', async () => {
  const { router, db, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'context_too_long', status: 400 }] } });
  const response = await router.complete({ task: {}, request: aRequest() });

  assert.deepEqual(log.map((call) => call.model), ['a-mid', 'a-long']);
  assert.equal(response.decision.tier, 'large-context');
  assert.match(response.decision.reason, /a-mid said context too long: moved to large-context/);
  const [tooLong, answered] = listCalls(db);
  assert.equal(tooLong.tier, 'execution');
  assert.equal(answered.tier, 'large-context');
  assert.equal(answered.fallbackFrom, tooLong.id);
});

test('a model whose window cannot hold input + max output is never sent the request', async () => {
  // Execution models hold 10,000 tokens; 9,000 in + 1,000 out needs 10,000, 9,200 + 1,000 does not.
  const fits = aRouter();
  await fits.router.complete({ task: {}, request: aRequest(9_000, 1_000) });
  assert.equal(fits.log[0].model, 'a-mid');

  const tooBig = aRouter();
  const response = await tooBig.router.complete({ task: {}, request: aRequest(9_200, 1_000) });
  assert.deepEqual(tooBig.log.map((call) => call.model), ['a-long']);
  assert.equal(response.decision.tier, 'large-context');
  assert.match(response.decision.reason, /skipped a-mid: context window 10000 < 10200/);
});

test('the size rule wins over a forced tier and over the tier decision', async () => {
  const { router, log } = aRouter({ config: aConfig({ routing: { largeContextThreshold: 5_000 } }) });
  const response = await router.complete({ task: { tier: 'orchestration' }, request: aRequest(6_000) });
  assert.equal(response.decision.tier, 'large-context');
  assert.match(response.decision.reason, /size rule/);
  assert.equal(log[0].model, 'a-long');
});

test('large-context models too small are skipped, and when none fits the chain error says so', async () => {
  const { router, log } = aRouter();
  // b-long holds 200k; a-long 1M: 300k input goes to a-long only.
  await router.complete({ task: {}, request: aRequest(300_000) });
  assert.deepEqual(log.map((call) => call.model), ['a-long']);

  const huge = aRouter();
  const failure = await huge.router.complete({ task: {}, request: aRequest(2_000_000) }).catch((error) => error);
  assert.ok(failure instanceof ChainError);
  assert.match(failure.message, /no model of tier large-context can take this request/);
  assert.equal(huge.log.length, 0);
});

test('decide() returns the decision without calling anything', async () => {
  const { router, log, db } = aRouter();
  const decision = await router.decide({ kind: 'code' }, aRequest());
  assert.deepEqual(decision, { tier: 'execution', chain: ['a-mid', 'a-mid-2', 'b-mid'], reason: 'test decision' });
  const forced = await router.decide({ tier: 'reasoning', inputTokens: 50 });
  assert.equal(forced.tier, 'reasoning');
  assert.equal(log.length, 0);
  assert.equal(listCalls(db).length, 0);
});

test('input tokens are estimated at four characters a token, plus framing per message', () => {
  assert.equal(estimateInputTokens({ messages: [{ role: 'user', content: 'x'.repeat(400) }] }), 104);
  assert.equal(estimateInputTokens({ messages: [] }), 0);
});
