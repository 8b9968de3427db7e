// When every model of a tier hangs, a call costs one timeout per model (the last model is not
// asked again after using its whole timeout), and a run's call deadline (jobs.<name>.callDeadline)
// bounds every call, retry and fallback of the run together, through the real SDKs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { openStore } from '../../memory/store.ts';
import { listCalls } from '../../memory/ledger.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { createRouter } from '../../agent/router/router.ts';
import { createCallDeadline } from '../../agent/call-deadline.ts';
import { ChainError } from '../../contracts/chain-error.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();

function aHangingTier(timeoutMs: number) {
  const config = configSchema.parse({
    providers: { 'sim-openai': { api: 'openai' }, 'sim-anthropic': { api: 'anthropic' } },
    models: {
      first: { provider: 'sim-openai', model: 'first-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
      second: { provider: 'sim-anthropic', model: 'second-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
    },
    tiers: { orchestration: ['first', 'second'], execution: ['first', 'second'], reasoning: ['first', 'second'], 'large-context': ['second'] },
    flagship: 'second',
    retry: { maxWait: 100, baseDelay: 10 },
  });
  const providers = createProviderRegistry([
    simulatorSpec(simulator.current, 'openai', { name: 'sim-openai', timeoutMs }),
    simulatorSpec(simulator.current, 'anthropic', { name: 'sim-anthropic', timeoutMs }),
  ]);
  const db = openStore(':memory:');
  const router = createRouter({ db, config, models: resolveModels(config), providers, decideTier: async () => ({ tier: 'execution', reason: 'test' }) });
  simulator.current.setFault('first-model', { fault: 'hang' });
  simulator.current.setFault('second-model', { fault: 'hang' });
  return { router, db };
}

const aRequest = () => ({ task: {}, request: { messages: [{ role: 'user' as const, content: 'Summarise my inbox.' }], maxOutputTokens: 100 } });

test('both models hang: one timeout each, two ledger rows, then a ChainError of timeouts', async (t) => {
  const { router, db } = aHangingTier(400);
  t.after(() => db.close());
  const failure = await router.complete(aRequest()).then(
    () => assert.fail('a hanging chain cannot answer'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof ChainError, String(failure));
  assert.deepEqual(failure.attempts.map((attempt) => [attempt.model, attempt.kind]), [['first', 'timeout'], ['second', 'timeout']]);
  assert.equal(listCalls(db).length, 2, 'each model was asked once');
  assert.equal(simulator.current.requests.length, 2);
  // Two timeouts, not four: before, the last model was retried twice more after its timeout.
});

test('the call deadline ends a run\'s hanging calls at the deadline, with a timeout naming the key', async (t) => {
  const { router, db } = aHangingTier(10_000);
  t.after(() => db.close());
  const deadline = createCallDeadline(500, 'nightly');
  t.after(() => deadline.dispose());
  const bounded = deadline.router(router);
  const started = Date.now();
  const failure = await bounded.complete(aRequest(), new AbortController().signal).then(
    () => assert.fail('a hanging chain cannot answer'),
    (error: unknown) => error,
  );
  const elapsed = Date.now() - started;
  assert.ok(failure instanceof ProviderError, String(failure));
  assert.equal(failure.kind, 'timeout');
  assert.match(failure.message, /deadline of 500 ms \(jobs\.nightly\.callDeadline\)/);
  assert.ok(elapsed < 2_000, `took ${elapsed} ms, the provider timeout is 10 s`);
  // The deadline is one clock for the run: a later call fails at once, without a request.
  const before = simulator.current.requests.length;
  const second = await bounded.complete(aRequest()).catch((error: unknown) => error);
  assert.ok(second instanceof ProviderError && second.kind === 'timeout');
  assert.equal(simulator.current.requests.length, before);
  const rows = listCalls(db);
  assert.equal(rows.length, 1, 'the aborted call is in the ledger');
  assert.equal(rows[0].outcome, 'aborted');
});
