/**
 * The briefing's lines about models and providers that need a person: a dead model (404) and
 * a provider out of quota or a Switchboard defect, read back from the store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callFaultLines, recentCallFaults } from '../../memory/call-faults.ts';
import { deadModelLines, markModelDead } from '../../memory/dead-models.ts';
import { recordCall, type CallRecord } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';

function aFailedCall(overrides: Partial<CallRecord>): CallRecord {
  return {
    startedAt: new Date('2026-12-01T07:00:00Z'),
    tier: 'execution',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    costUsd: 0,
    flagshipCostUsd: 0,
    cacheSavingsUsd: 0,
    latencyMs: 120,
    outcome: 'error',
    simulated: false,
    ...overrides,
  } as CallRecord;
}

test('no dead model and no fault: no line', () => {
  const db = openStore(':memory:');
  assert.deepEqual(deadModelLines(db), []);
  assert.deepEqual(callFaultLines(db, '2026-11-24T00:00:00Z'), []);
});

test('a dead model gets a line naming it, its provider, the day and why it is skipped', () => {
  const db = openStore(':memory:');
  markModelDead(db, { model: 'reasoning-main', provider: 'openai', apiModel: 'o3', fingerprint: 'f', status: 404, message: 'openai (reasoning-main): 404 The model `o3` does not exist or you do not have access to it.', detectedAt: '2026-12-11T06:00:00Z', callId: null });
  const [line] = deadModelLines(db);
  assert.match(line, /^Model reasoning-main \(openai, "o3"\) answered 404 on 2026-12-11/);
  assert.match(line, /skipped until its config or catalogue entry changes/);
});

test('quota exhaustion and defects of the last week each get one line per provider and model', () => {
  const db = openStore(':memory:');
  recordCall(db, aFailedCall({ errorKind: 'quota_exhausted', errorMessage: 'openai (gpt-5.6-terra): 429 You exceeded your current quota' }));
  recordCall(db, aFailedCall({ errorKind: 'quota_exhausted', errorMessage: 'openai (gpt-5.6-terra): 429 You exceeded your current quota', startedAt: new Date('2026-12-01T08:00:00Z') }));
  recordCall(db, aFailedCall({ provider: 'anthropic', model: 'claude-haiku-4-5', errorKind: 'invalid_request', errorMessage: 'anthropic (claude-haiku-4-5): 400 messages: text content blocks must be non-empty' }));
  recordCall(db, aFailedCall({ errorKind: 'rate_limited', errorMessage: 'busy' }));

  const faults = recentCallFaults(db, '2026-11-24T00:00:00Z');
  assert.deepEqual(faults.map((fault) => [fault.provider, fault.kind, fault.count]), [
    ['openai', 'quota_exhausted', 2],
    ['anthropic', 'invalid_request', 1],
  ]);
  const lines = callFaultLines(db, '2026-11-24T00:00:00Z');
  assert.match(lines[0], /^Provider openai is out of credit or quota \(2 call\(s\) refused, last 2026-12-01T08:00\)/);
  assert.match(lines[1], /^Switchboard defect: claude-haiku-4-5 \(anthropic\) refused 1 request\(s\).*text content blocks must be non-empty/);
  assert.deepEqual(callFaultLines(db, '2026-12-02T00:00:00Z'), [], 'older than the window: no line');
});
