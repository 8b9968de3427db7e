/**
 * A usage report beyond what the model can do (more input than its context window, more
 * output than its output limit, a count that is not a count) is refused as a provider error
 * and not priced: the attempt's ledger row costs nothing, and the chain moves to the next
 * model as after any server fault. Real SDKs to the loopback simulator, which reports the
 * usage each test dictates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { listCalls } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { createRouter } from '../../agent/router/router.ts';
import { implausibleUsage } from '../../agent/router/billed-usage.ts';
import type { ModelSpec, ProviderApi } from '../../contracts/types.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();

function aTwoModelRouter(api: ProviderApi) {
  const config = configSchema.parse({
    providers: { sim: { api } },
    models: {
      first: { provider: 'sim', model: 'first-model', contextWindow: 8_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
      second: { provider: 'sim', model: 'second-model', contextWindow: 8_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
    },
    tiers: { orchestration: ['first', 'second'], execution: ['first', 'second'], reasoning: ['first'], 'large-context': ['first'] },
    flagship: 'first',
  });
  const db = openStore(':memory:');
  const router = createRouter({
    db,
    config,
    models: resolveModels(config),
    providers: createProviderRegistry([simulatorSpec(simulator.current, api, { name: 'sim' })]),
    decideTier: async () => ({ tier: 'execution', reason: 'usage test' }),
  });
  return { router, db, models: resolveModels(config) };
}

const ask = { task: {}, request: { messages: [{ role: 'user' as const, content: 'Sort these three numbers: 3 1 2' }], maxOutputTokens: 200 } };

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: 2e9 output tokens are refused, not priced, and the next model answers`, async () => {
    const { router, db } = aTwoModelRouter(api);
    simulator.current.script('first-model', { text: '1 2 3', usage: { inputTokens: 20, outputTokens: 2_000_000_000 } });
    const response = await router.complete(ask);

    assert.equal(response.modelId, 'second');
    const [refused, answered] = listCalls(db);
    assert.deepEqual([refused.model, refused.outcome, refused.errorKind], ['first', 'error', 'server']);
    assert.match(refused.errorMessage ?? '', /usage report refused: 2000000000 output tokens exceed the 1000-token output limit of first/);
    assert.equal(refused.costUsd, 0);
    assert.equal(refused.outputTokens, 0);
    assert.equal(answered.outcome, 'ok');
    assert.equal(response.costUsd, answered.costUsd, 'the request cost only what the answer cost');
    db.close();
  });

  test(`${api}: input beyond the context window is refused the same way`, async () => {
    const { router, db } = aTwoModelRouter(api);
    simulator.current.script('first-model', { text: '1 2 3', usage: { inputTokens: 9_000, outputTokens: 5 } });
    const response = await router.complete(ask);
    assert.equal(response.modelId, 'second');
    const [refused] = listCalls(db);
    assert.match(refused.errorMessage ?? '', /9000 input tokens exceed the 8000-token context window of first/);
    assert.equal(refused.costUsd, 0);
    db.close();
  });
}

test('what counts as implausible: each field a non-negative integer, input within the window, output within the limit', () => {
  const model = { id: 'm', contextWindow: 1_000, maxOutputTokens: 100 } as ModelSpec;
  const usage = { inputTokens: 600, cachedInputTokens: 300, cacheWriteTokens: 100, outputTokens: 100, reasoningTokens: 40 };
  assert.equal(implausibleUsage(usage, model), undefined, 'exactly at both limits is fine');
  assert.match(implausibleUsage({ ...usage, cacheWriteTokens: 101 }, model) ?? '', /1001 input tokens exceed the 1000-token context window/);
  assert.match(implausibleUsage({ ...usage, outputTokens: 101 }, model) ?? '', /101 output tokens exceed the 100-token output limit/);
  assert.match(implausibleUsage({ ...usage, inputTokens: -1 }, model) ?? '', /inputTokens -1 is not a token count/);
  assert.match(implausibleUsage({ ...usage, outputTokens: 1.5 }, model) ?? '', /outputTokens 1.5 is not a token count/);
  assert.match(implausibleUsage({ ...usage, outputTokens: Number.NaN }, model) ?? '', /outputTokens NaN is not a token count/);
  assert.match(implausibleUsage({ ...usage, reasoningTokens: 101, outputTokens: 100 }, model) ?? '', /101 reasoning tokens exceed the 100 output tokens/);
});
