import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { openStore } from '../../memory/store.ts';
import { listCalls } from '../../memory/ledger.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { createRouter } from '../../agent/router/router.ts';
import type { SimulatorFault } from '../../agent/simulator/types.ts';
import type { ErrorKind, ProviderApi } from '../../contracts/types.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();

/** Execution tier: first a model at the `first` API's provider, then one at the other API's. */
function anOutageRouter(first: ProviderApi) {
  const second: ProviderApi = first === 'openai' ? 'anthropic' : 'openai';
  const config = configSchema.parse({
    providers: { [`sim-${first}`]: { api: first }, [`sim-${second}`]: { api: second } },
    models: {
      primary: { provider: `sim-${first}`, model: 'primary-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
      backup: { provider: `sim-${second}`, model: 'backup-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 3, output: 6 }] },
      flagship: { provider: `sim-${second}`, contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 15, output: 60 }] },
    },
    tiers: { orchestration: ['primary'], execution: ['primary', 'backup'], reasoning: ['flagship'], 'large-context': ['backup'] },
    flagship: 'flagship',
    // retry-after from the simulator is 1 s: above maxWait, so the router falls back instead of waiting.
    retry: { maxWait: 100, baseDelay: 10 },
  });
  const providers = createProviderRegistry([
    simulatorSpec(simulator.current, first, { name: `sim-${first}`, timeoutMs: 300 }),
    simulatorSpec(simulator.current, second, { name: `sim-${second}`, timeoutMs: 5_000 }),
  ]);
  const db = openStore(':memory:');
  const router = createRouter({
    db,
    config,
    models: resolveModels(config),
    providers,
    decideTier: async () => ({ tier: 'execution', reason: 'outage test' }),
  });
  return { router, db };
}

const OUTAGES: Array<{ fault: SimulatorFault; kind: ErrorKind; status: number | null; stream?: boolean }> = [
  { fault: { fault: 'rate_limit' }, kind: 'rate_limited', status: 429 },
  { fault: { fault: 'overloaded' }, kind: 'overloaded', status: 529 },
  { fault: { fault: 'server' }, kind: 'server', status: 500 },
  { fault: { fault: 'hang' }, kind: 'timeout', status: null },
  { fault: { fault: 'cut', afterChunks: 2 }, kind: 'stream_cut', status: null, stream: true },
];

for (const first of ['openai', 'anthropic'] as const) {
  for (const outage of OUTAGES) {
    test(`${first} first, ${outage.fault.fault}: the call finishes on the other provider through the real SDKs`, async () => {
      const { router, db } = anOutageRouter(first);
      simulator.current.setFault('primary-model', outage.fault);
      const response = await router.complete({
        task: {},
        request: { messages: [{ role: 'user', content: 'Summarise my inbox.' }], maxOutputTokens: 200, stream: outage.stream },
        origin: { job: 'outage' },
      });

      assert.equal(response.modelId, 'backup');
      assert.ok(response.text.length > 0);
      const rows = listCalls(db);
      assert.equal(rows.length, 2);
      const [failed, answered] = rows;
      assert.deepEqual([failed.model, failed.outcome, failed.errorKind], ['primary', 'error', outage.kind]);
      assert.deepEqual([answered.model, answered.outcome, answered.fallbackFrom], ['backup', 'ok', failed.id]);
      assert.ok(answered.inputTokens > 0 && answered.outputTokens > 0);
      // backup at $3/$6 per 1M tokens, flagship at $15/$60: the ledger prices what the SDK reported.
      const expected = (answered.inputTokens * 3 + answered.cachedInputTokens * 3 + answered.outputTokens * 6) / 1e6;
      assert.ok(Math.abs(answered.costUsd - expected) < 1e-12);
      assert.ok(answered.flagshipCostUsd > answered.costUsd);
      if (outage.kind === 'stream_cut') assert.ok(failed.outputTokens >= 0);
      const attempts = response.attempts.map((attempt) => [attempt.model, attempt.errorKind]);
      assert.deepEqual(attempts, [
        ['primary', outage.kind],
        ['backup', undefined],
      ]);
      // Each SDK made exactly one request per attempt: no hidden retries below the router.
      const sent = simulator.current.requests.map((request) => request.model);
      assert.deepEqual(sent, ['primary-model', 'backup-model']);
      db.close();
    });
  }
}
