import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceUsage } from '../../agent/router/router.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { configSchema } from '../../config/schema.ts';
import { aUsage } from './builders.ts';

// Round prices (USD per 1M tokens) so every figure can be checked by hand: small $0.15 in /
// $0.075 cached / $0.60 out; mid $3 in / $0.30 cache read / $3.75 cache write / $15 out, cut to
// $2/$10 on 2026-01-01; big (the flagship) $15 in / $7.50 cached / $60 out.
const config = configSchema.parse({
  providers: { openai: { api: 'openai' }, anthropic: { api: 'anthropic' } },
  models: {
    'small': { provider: 'openai', contextWindow: 128000, maxOutputTokens: 16384, prices: [{ input: 0.15, cachedInput: 0.075, output: 0.6, effectiveFrom: '2024-07-18' }] },
    'mid': {
      provider: 'anthropic',
      contextWindow: 200000,
      maxOutputTokens: 64000,
      prices: [
        { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15, effectiveFrom: '2025-09-29' },
        { input: 2, cachedInput: 0.2, cacheWrite: 2.5, output: 10, effectiveFrom: '2026-01-01' },
      ],
    },
    big: { provider: 'openai', contextWindow: 200000, maxOutputTokens: 100000, prices: [{ input: 15, cachedInput: 7.5, output: 60, effectiveFrom: '2024-12-17' }] },
  },
  tiers: { orchestration: ['small'], execution: ['mid'], reasoning: ['big'], 'large-context': ['mid'] },
  flagship: 'big',
});
const models = resolveModels(config);
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test('OpenAI-shaped usage: prompt_tokens 10,000 of which 8,000 cached, normalised to 2,000 uncached', () => {
  // The provider layer reports prompt_tokens minus cached_tokens as inputTokens.
  const usage = aUsage({ inputTokens: 2_000, cachedInputTokens: 8_000, outputTokens: 500, reasoningTokens: 0 });
  const priced = priceUsage(usage, models.get('small')!, models.get('big')!, '2025-06-15');
  // 2000 * 0.15 + 8000 * 0.075 + 500 * 0.60 = 300 + 600 + 300 = 1200 micro-dollars.
  near(priced.costUsd, 0.0012);
  // big: 2000 * 15 + 8000 * 7.5 + 500 * 60 = 30000 + 60000 + 30000 = 120000 micro-dollars.
  near(priced.flagshipCostUsd, 0.12);
  // Caching saved 8000 * (0.15 - 0.075) = 600 micro-dollars; no cache-write premium at OpenAI.
  near(priced.cacheSavingsUsd, 0.0006);
});

test('Anthropic-shaped usage: input_tokens uncached, cache_read and cache_creation apart', () => {
  const usage = aUsage({ inputTokens: 1_000, cachedInputTokens: 20_000, cacheWriteTokens: 4_000, outputTokens: 800 });
  const priced = priceUsage(usage, models.get('mid')!, models.get('big')!, '2025-10-01');
  // 1000 * 3 + 20000 * 0.30 + 4000 * 3.75 + 800 * 15 = 3000 + 6000 + 15000 + 12000 = 36000 micro-dollars.
  near(priced.costUsd, 0.036);
  // big has no cache-write price (defaults to input): 1000 * 15 + 20000 * 7.5 + 4000 * 15 + 800 * 60
  // = 15000 + 150000 + 60000 + 48000 = 273000 micro-dollars.
  near(priced.flagshipCostUsd, 0.273);
  // Reads saved 20000 * (3 - 0.30) = 54000; writes cost 4000 * (3.75 - 3) = 3000 extra: 51000.
  near(priced.cacheSavingsUsd, 0.051);
});

test('the price row in force on the call date applies', () => {
  const usage = aUsage({ inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1_000 });
  near(priceUsage(usage, models.get('mid')!, models.get('big')!, '2025-12-31').costUsd, 0.018);
  near(priceUsage(usage, models.get('mid')!, models.get('big')!, '2026-01-01').costUsd, 0.012);
});

test('reasoning tokens are already inside output tokens and are not billed twice', () => {
  const usage = aUsage({ inputTokens: 0, outputTokens: 1_000, reasoningTokens: 900 });
  near(priceUsage(usage, models.get('big')!, models.get('big')!, '2025-06-15').costUsd, 0.06);
});
