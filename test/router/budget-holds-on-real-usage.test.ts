/**
 * Budgets hold on the usage the provider reports, not on the estimate. The reservation covers
 * a conservative input estimate with a safety factor plus the request's max output; when the
 * real count is higher still, the settled cost counts against the cap before the next call is
 * admitted, the cap is passed by at most that one call's difference, and the overrun is
 * recorded (budget event, log, bill). Real SDKs over HTTP to the loopback simulator, which
 * reports the token counts each test dictates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { budgetEventsFor } from '../../memory/budget-events.ts';
import { listReservations } from '../../memory/budget.ts';
import { listCalls } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { estimateInputTokens, RESERVATION_SAFETY_FACTOR, reservedInputTokens } from '../../agent/router/chain.ts';
import { createRouter } from '../../agent/router/router.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import type { ChatRequest, ProviderApi } from '../../contracts/types.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const DAY = new Date('2026-12-01T09:00:00Z');

// $10 per 1M input tokens, $20 per 1M output: a token of input is $0.00001.
function aCappedRouter(api: ProviderApi, dailyCapUsd: number) {
  const config = configSchema.parse({
    providers: { sim: { api } },
    models: { worker: { provider: 'sim', model: 'worker-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 10, output: 20 }] } },
    tiers: { orchestration: ['worker'], execution: ['worker'], reasoning: ['worker'], 'large-context': ['worker'] },
    flagship: 'worker',
    budgets: { daily: { total: dailyCapUsd }, onCap: 'defer' },
  });
  const db = openStore(':memory:');
  const warnings: Array<Record<string, unknown>> = [];
  const logger = { warn: (fields: Record<string, unknown>) => warnings.push(fields), info: () => {}, error: () => {}, debug: () => {} };
  const router = createRouter({
    db,
    config,
    models: resolveModels(config),
    providers: createProviderRegistry([simulatorSpec(simulator.current, api, { name: 'sim' })]),
    decideTier: async () => ({ tier: 'execution', reason: 'budget test' }),
    clock: () => DAY,
    logger: logger as never,
  });
  return { router, db, warnings };
}

// 4,000 characters of English-like text: the chars/4 estimate says ~1,000 tokens.
const request: ChatRequest = { messages: [{ role: 'user', content: 'word '.repeat(800) }], maxOutputTokens: 100 };

test('the reservation covers a conservative input count with the safety factor, plus the max output', () => {
  const estimate = estimateInputTokens(request);
  const reserved = reservedInputTokens(request);
  assert.ok(estimate >= 1_000 && estimate < 1_010, `chars/4 estimate ${estimate}`);
  // ASCII at 3 characters a token, 4 tokens of framing, times the factor.
  assert.equal(reserved, Math.ceil((4_000 / 3 + 4) * RESERVATION_SAFETY_FACTOR));
  // Text that is not ASCII counts a token a character: 1,000 CJK characters reserve more than 1,000 tokens.
  const cjk: ChatRequest = { messages: [{ role: 'user', content: '予算'.repeat(500) }] };
  assert.ok(reservedInputTokens(cjk) >= 1_000 * RESERVATION_SAFETY_FACTOR);
  assert.ok(estimateInputTokens(cjk) < 300, 'the chars/4 estimate would have reserved a quarter of it');
});

for (const api of ['openai', 'anthropic'] as const) {
  test(`${api}: real input 1.5x the estimate stays within a cap sized for the reservation`, async () => {
    // Reserved: ~1,672 input tokens ($0.01672) + 100 output ($0.002) = ~$0.0187. Cap: $0.019.
    const { router, db } = aCappedRouter(api, 0.019);
    simulator.current.script('worker-model', { text: 'done', usage: { inputTokens: 1_500, outputTokens: 100 } });
    const response = await router.complete({ task: {}, request });
    assert.equal(response.usage.inputTokens, 1_500);
    // 1,500 x $10 + 100 x $20 per 1M = $0.017: more than the estimate ($0.0120), inside the cap.
    assert.ok(Math.abs(listCalls(db)[0].costUsd - 0.017) < 1e-12);
    assert.deepEqual(budgetEventsFor(db, { day: '2026-12-01' }).overruns, 0);
    db.close();
  });

  test(`${api}: real input far above every estimate passes a tight cap by one call's difference, which is reported, and the next call is refused`, async () => {
    const { router, db, warnings } = aCappedRouter(api, 0.019);
    // 2,500 real input tokens: $0.025 + $0.002 = $0.027 against ~$0.0187 reserved.
    simulator.current.script('worker-model', { text: 'long', usage: { inputTokens: 2_500, outputTokens: 100 } });
    await router.complete({ task: {}, request, origin: { job: 'digest' } });
    const [row] = listCalls(db);
    assert.ok(Math.abs(row.costUsd - 0.027) < 1e-12);
    const reservedUsd = (reservedInputTokens(request) * 10 + 100 * 20) / 1e6;
    const difference = row.costUsd - reservedUsd;
    const over = row.costUsd - 0.019;
    assert.ok(over > 0 && over <= difference + 1e-12, `over by ${over}, the call's difference ${difference}`);

    const events = budgetEventsFor(db, { day: '2026-12-01' });
    assert.equal(events.overruns, 1);
    assert.ok(Math.abs(events.overUsd - over) < 1e-12);
    assert.match(events.lines[0], /^digest: 1 call \(execution\) cost more than reserved and went over a cap by \$0\.0080/);
    assert.match(events.lines[0], /daily total cap \$0\.0190 exceeded by \$0\.0080: a call cost \$0\.0270 against \$0\.0187 reserved/);
    assert.equal(warnings.filter((fields) => fields.event === 'budget-overrun').length, 1);

    // The overrun counts before the next call: nothing more is admitted today.
    const refused = await router.complete({ task: {}, request: { messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 1 } }).catch((error) => error);
    assert.ok(refused instanceof ProviderError);
    assert.equal(refused.kind, 'budget_exceeded');
    assert.equal(listCalls(db).length, 1);
    assert.deepEqual(listReservations(db), []);
    db.close();
  });
}

test('sequential calls against a tight cap: spend never passes the cap by more than the largest single difference', async () => {
  const { router, db } = aCappedRouter('openai', 0.05);
  // Every call reports 1.8x the estimate: each costs ~$0.020 against ~$0.0187 reserved.
  simulator.current.setUsageFor('worker-model', () => ({ inputTokens: 1_800, outputTokens: 100 }));
  let admitted = 0;
  for (let index = 0; index < 10; index++) {
    const outcome = await router.complete({ task: {}, request }).catch((error) => error);
    if (outcome instanceof ProviderError) {
      assert.equal(outcome.kind, 'budget_exceeded');
      continue;
    }
    admitted++;
  }
  const rows = listCalls(db);
  assert.equal(rows.length, admitted);
  const spent = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const reservedUsd = (reservedInputTokens(request) * 10 + 100 * 20) / 1e6;
  const largestDifference = Math.max(...rows.map((row) => row.costUsd - reservedUsd));
  assert.ok(spent <= 0.05 + largestDifference + 1e-12, `spent ${spent}`);
  // $0.020 a call: two fit under $0.05 with room for a third's reservation? 0.040 + 0.0187 > 0.05: no.
  assert.equal(admitted, 2);
  db.close();
});
