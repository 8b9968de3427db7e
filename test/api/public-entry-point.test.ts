/**
 * The package's public entry point (`import { openSwitchboard } from 'switchboard'`, resolved
 * through package.json `exports`) sends a call through the whole stack: tier decision,
 * breaker, budget reservation, provider (the in-process simulator for a keyless provider),
 * and a ledger row, with no CLI and no reaching into agent/ internals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, openSwitchboard, ProviderError } from 'switchboard';

const settings = {
  providers: { local: { api: 'openai' } },
  models: {
    small: { provider: 'local', model: 'small-model', contextWindow: 16_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }], capabilities: {} },
    big: { provider: 'local', model: 'big-model', contextWindow: 16_000, maxOutputTokens: 1_000, prices: [{ input: 10, output: 40 }], capabilities: {} },
  },
  tiers: { orchestration: ['small'], execution: ['small'], reasoning: ['big'], 'large-context': ['big'] },
  flagship: 'gpt-5.6-sol',
  budgets: { daily: { total: 1 } },
};

test('package.json exports the entry point, and nothing under agent/ is reached by path', () => {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { exports: Record<string, string> };
  assert.equal(manifest.exports['.'], './agent/switchboard.ts');
});

test('a call goes through router, budget, provider and ledger, and the stack closes cleanly', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-entry-'));
  const switchboard = await openSwitchboard({ config: settings, dataDir, env: {} });
  try {
    const response = await switchboard.complete({
      task: { tier: 'execution' },
      request: { messages: [{ role: 'user', content: 'Say hello.' }], maxOutputTokens: 20 },
      origin: { job: 'integration' },
    });
    assert.equal(response.modelId, 'small');
    assert.equal(response.decision.tier, 'execution');
    assert.ok(response.text.length > 0);
    assert.equal(response.simulated, true, 'a keyless provider is served by the simulator, and says so');
    const row = switchboard.db.prepare('SELECT model, job, outcome, cost_usd AS cost, simulated FROM calls WHERE id = ?').get(response.callId) as Record<string, unknown>;
    assert.deepEqual({ ...row, cost: undefined }, { model: 'small', job: 'integration', outcome: 'ok', cost: undefined, simulated: 1 });
    assert.ok(Math.abs((row.cost as number) - response.costUsd) < 1e-15);
    const spent = switchboard.db.prepare("SELECT spent_usd FROM budget_totals WHERE scope = 'total' AND length(period) = 10").pluck().get() as number;
    assert.ok(Math.abs(spent - response.costUsd) < 1e-15, 'the budget saw the call');
    // Far from its caps the router keeps a lease for its next calls (memory/budget-lease.ts), released on close.
    assert.deepEqual(switchboard.db.prepare('SELECT model FROM budget_reservations').pluck().all(), ['(lease)']);
  } finally {
    await switchboard.close();
  }
});

test('a budget cap is enforced through the entry point as through the daemon', async () => {
  const switchboard = await openSwitchboard({ config: { ...settings, budgets: { daily: { total: 0.000001 }, onCap: 'defer' } }, databasePath: ':memory:', env: {} });
  try {
    const refused = await switchboard.complete({ task: { tier: 'execution' }, request: { messages: [{ role: 'user', content: 'Say hello.' }] } }).catch((error) => error);
    assert.ok(refused instanceof ProviderError);
    assert.equal(refused.kind, 'budget_exceeded');
  } finally {
    await switchboard.close();
  }
});

test('bad settings are refused with a ConfigError naming the key path', async () => {
  const failure = await openSwitchboard({ config: { ...settings, flagship: 'nonexistent' }, databasePath: ':memory:', env: {} }).catch((error) => error);
  assert.ok(failure instanceof ConfigError, String(failure));
  assert.match(failure.message, /flagship/);
});
