/**
 * The bill compares the routed cost with several baselines priced at bill time, each from its
 * own model's config entry and the price in force on each row's day: all on the flagship, all
 * on the execution tier's first model, and any model named with --baseline. Where routing
 * cost more than a baseline, the bill says so and names what the premium bought (tier, job),
 * never a saving. Expectations computed by hand below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../config/schema.ts';
import { billFor } from '../../memory/bill.ts';
import { recordCall, type CallRecord } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { billBaselines, UnknownBaselineError } from '../../agent/bill-baselines.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { renderBill } from '../../agent/cli/commands/bill.ts';

// Prices per 1M tokens. "big" changed price on 2026-06-10: $20/$80 before, $10/$40 from then.
const config = configSchema.parse({
  providers: { p: { api: 'openai' } },
  models: {
    mini: { provider: 'p', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }] },
    mid: { provider: 'p', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 2, output: 8 }] },
    big: { provider: 'p', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 20, output: 80, effectiveFrom: '2026-01-01' }, { input: 10, output: 40, effectiveFrom: '2026-06-10' }] },
  },
  tiers: { orchestration: ['mini'], execution: ['mid'], reasoning: ['big'], 'large-context': ['mid'] },
  flagship: 'big',
});
const models = resolveModels(config);

function aCall(day: string, tier: string, model: string, job: string, input: number, output: number, costUsd: number): CallRecord {
  return {
    startedAt: new Date(`${day}T12:00:00Z`),
    tier,
    provider: 'p',
    model,
    usage: { inputTokens: input, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0 },
    costUsd,
    // Frozen at call time under an old flagship: the bill must not use it.
    flagshipCostUsd: 999,
    latencyMs: 1,
    outcome: 'ok',
    simulated: false,
    job,
  };
}

function aMonth() {
  const db = openStore(':memory:');
  // Two execution calls on mid: 10,000 in + 1,000 out each = $0.020 + $0.008 = $0.028 each.
  recordCall(db, aCall('2026-06-05', 'execution', 'mid', 'digest', 10_000, 1_000, 0.028));
  recordCall(db, aCall('2026-06-12', 'execution', 'mid', 'digest', 10_000, 1_000, 0.028));
  // One reasoning call on big on 2026-06-12 (new price): 5,000 in + 2,000 out = $0.05 + $0.08 = $0.13.
  recordCall(db, aCall('2026-06-12', 'reasoning', 'big', 'research', 5_000, 2_000, 0.13));
  return db;
}

test('all on the flagship, priced at each day\'s price: routing saved, and by how much', () => {
  const bill = billFor(aMonth(), { period: 'month', date: '2026-06' }, billBaselines(config, models));
  const flagship = bill.baselines.find((baseline) => baseline.role === 'flagship')!;
  assert.equal(flagship.model, 'big');
  // 06-05 at $20/$80: 10,000 x 20 + 1,000 x 80 = $0.28; 06-12 at $10/$40: $0.14 + the reasoning call $0.13.
  assert.ok(Math.abs(flagship.baselineCostUsd - (0.28 + 0.14 + 0.13)) < 1e-12);
  assert.ok(Math.abs(flagship.routedCostUsd - 0.186) < 1e-12);
  assert.ok(Math.abs(flagship.savedUsd - (0.55 - 0.186)) < 1e-12);
  assert.ok(Math.abs(flagship.percentSaved! - (100 * 0.364) / 0.55) < 1e-9);
  assert.deepEqual(flagship.premium, []);
});

test('all on the execution tier\'s first model: routing cost more, and the premium is the reasoning call', () => {
  const bill = billFor(aMonth(), { period: 'month', date: '2026-06' }, billBaselines(config, models));
  const execution = bill.baselines.find((baseline) => baseline.role === 'execution')!;
  assert.equal(execution.model, 'mid');
  // On mid: the two execution calls cost the same ($0.056); the reasoning call 5,000 x 2 + 2,000 x 8 = $0.026.
  assert.ok(Math.abs(execution.baselineCostUsd - 0.082) < 1e-12);
  assert.ok(Math.abs(execution.savedUsd - (0.082 - 0.186)) < 1e-12);
  assert.equal(execution.premium.length, 1);
  const [premium] = execution.premium;
  assert.deepEqual([premium!.tier, premium!.job, premium!.calls], ['reasoning', 'research', 1]);
  assert.ok(Math.abs(premium!.routedCostUsd - 0.13) < 1e-12);
  assert.ok(Math.abs(premium!.baselineCostUsd - 0.026) < 1e-12);

  const text = renderBill(bill, config.flagship);
  assert.match(text, /Same calls all on mid \(execution tier's first model\) +\$0\.0820 {2}premium: routing cost \$0\.1040 more \(126\.8%\)/);
  assert.match(text, /Routing cost \$0\.1040 more than all on mid; the premium bought:\n {2}reasoning for research: 1 call, \$0\.1300 routed vs \$0\.0260 on mid/);
  const midLine = text.split('\n').find((line) => line.includes('all on mid'))!;
  assert.doesNotMatch(midLine, /saved/, 'no saving is claimed where routing cost more');
  assert.doesNotMatch(text, /\$999/, 'the per-row flagship figure frozen at call time is not shown beside the bill-time baselines');
});

test('--baseline names any configured model, labelled with its own name and priced at its own price', () => {
  const bill = billFor(aMonth(), { period: 'month', date: '2026-06' }, billBaselines(config, models, 'mini'));
  const named = bill.baselines.find((baseline) => baseline.role === 'named')!;
  assert.equal(named.model, 'mini');
  // 2 x (10,000 + 2,000) + (5,000 + 4,000) = 33,000 token-dollars per 1M: $0.033.
  assert.ok(Math.abs(named.baselineCostUsd - 0.033) < 1e-12);
  assert.deepEqual(named.premium.map((line) => line.tier).sort(), ['execution', 'reasoning']);
  assert.throws(() => billBaselines(config, models, 'gpt-9'), (error: unknown) => error instanceof UnknownBaselineError && /no model "gpt-9".*big, mid, mini/.test(error.message));
});

test('the JSON bill carries every baseline with its premium lines', () => {
  const bill = billFor(aMonth(), { period: 'month', date: '2026-06' }, billBaselines(config, models, 'mini'));
  const json = JSON.parse(JSON.stringify(bill)) as { baselines: Array<{ role: string; model: string; premium: unknown[] }> };
  assert.deepEqual(json.baselines.map((baseline) => [baseline.role, baseline.model, baseline.premium.length]), [
    ['flagship', 'big', 0],
    ['execution', 'mid', 1],
    ['named', 'mini', 2],
  ]);
});
