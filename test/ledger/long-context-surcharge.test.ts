/**
 * A long-context surcharge from the catalogue reaches the price: Claude Haiku 5.5 costs 5x on a
 * request whose input (uncached, cached and cache writes together) is over 100K tokens
 * (platform.claude.com/docs/en/models/haiku-5-5, checked 2026-12-02), and budgets reserve at
 * the surcharged rate. Priced through the same config resolution the daemon uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../config/load.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { calculateCost, emptyUsage, priceOn, worstCaseCost } from '../../agent/cost.ts';

const source = { path: '/home/alex/.config/switchboard/config.yaml', origin: 'user' as const };

function haikuPrice() {
  const loaded = parseConfigText('tiers:\n  large-context: [claude-haiku-5-5]\n', source, {});
  const model = resolveModels(loaded.config).get('claude-haiku-5-5');
  assert.ok(model, 'claude-haiku-5-5 resolves from the catalogue');
  return priceOn(model, '2026-12-02');
}

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);

test('Haiku 5.5: list price up to 100K input tokens, 5x input and output above', () => {
  const price = haikuPrice();
  close(calculateCost({ ...emptyUsage(), inputTokens: 100_000, outputTokens: 1_000 }, price), (100_000 * 0.1 + 1_000 * 0.5) / 1e6);
  close(calculateCost({ ...emptyUsage(), inputTokens: 100_001, outputTokens: 1_000 }, price), (100_001 * 0.1 * 5 + 1_000 * 0.5 * 5) / 1e6);
});

test('cached input and cache writes count towards the threshold, each at its own rate times the surcharge', () => {
  const price = haikuPrice();
  const usage = { ...emptyUsage(), inputTokens: 40_000, cachedInputTokens: 50_000, cacheWriteTokens: 20_000, outputTokens: 500 };
  close(calculateCost(usage, price), ((40_000 * 0.1 + 50_000 * 0.01 + 20_000 * 0.125) * 5 + 500 * 0.5 * 5) / 1e6);
});

test('the budget reservation for a long request is at the surcharged rate', () => {
  const price = haikuPrice();
  close(worstCaseCost(150_000, 4_096, price), (150_000 * 0.125 * 5 + 4_096 * 0.5 * 5) / 1e6);
  close(worstCaseCost(90_000, 4_096, price), (90_000 * 0.125 + 4_096 * 0.5) / 1e6);
});
