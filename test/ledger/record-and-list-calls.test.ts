import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../memory/store.ts';
import { getCall, listCalls, recordCall, sanitizeErrorMessage, type CallRecord } from '../../memory/ledger.ts';
import { deleteKv, getKv, setKv } from '../../memory/kv.ts';

function aCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    startedAt: new Date('2025-06-15T23:59:59.500Z'),
    tier: 'execution',
    provider: 'openai',
    model: 'gpt-4o',
    usage: { inputTokens: 10, cachedInputTokens: 2, cacheWriteTokens: 1, outputTokens: 5, reasoningTokens: 3 },
    costUsd: 0.5,
    flagshipCostUsd: 2,
    latencyMs: 12.6,
    outcome: 'ok',
    simulated: true,
    runId: 4,
    job: 'digest',
    skill: 'briefing',
    step: 2,
    reason: 'kind code',
    task: { kind: 'code', text: 'Rename the helper', tier: 'execution' },
    ...overrides,
  };
}

test('a recorded call reads back field for field, with its UTC day and month', () => {
  const db = openStore(':memory:');
  const id = recordCall(db, aCall());
  const row = getCall(db, id)!;
  assert.deepEqual(row, {
    id,
    startedAt: '2025-06-15T23:59:59.500Z',
    day: '2025-06-15',
    month: '2025-06',
    runId: 4,
    job: 'digest',
    skill: 'briefing',
    step: 2,
    tier: 'execution',
    provider: 'openai',
    model: 'gpt-4o',
    inputTokens: 10,
    cachedInputTokens: 2,
    cacheWriteTokens: 1,
    outputTokens: 5,
    reasoningTokens: 3,
    costUsd: 0.5,
    flagshipCostUsd: 2,
    cacheSavingsUsd: 0,
    latencyMs: 13,
    outcome: 'ok',
    errorKind: null,
    errorMessage: null,
    fallbackFrom: null,
    reason: 'kind code',
    simulated: true,
    task: { kind: 'code', text: 'Rename the helper', tier: 'execution' },
    usageEstimated: false,
    checked: false,
    escalatedFromCall: null,
  });
});

test('the routed task keeps its first 300 characters, only the fields given, and is absent when none was recorded', () => {
  const db = openStore(':memory:');
  const long = `${'a'.repeat(299)}\u00e9${'b'.repeat(50)}`;
  const cut = getCall(db, recordCall(db, aCall({ task: { text: long } })))!;
  assert.deepEqual(cut.task, { text: long.slice(0, 300) });
  assert.equal(cut.task?.text?.length, 300);
  const stored = db.prepare('SELECT task FROM calls WHERE id = ?').get(cut.id) as { task: string };
  assert.deepEqual(JSON.parse(stored.task), { text: long.slice(0, 300) }, 'the column holds the cut text, not the whole prompt');
  const kindOnly = getCall(db, recordCall(db, aCall({ task: { kind: 'extract' } })))!;
  assert.deepEqual(kindOnly.task, { kind: 'extract' });
  const none = getCall(db, recordCall(db, aCall({ task: undefined })))!;
  assert.equal(none.task, undefined);
  assert.equal((db.prepare('SELECT task FROM calls WHERE id = ?').get(none.id) as { task: null }).task, null);
});

test('the rollup follows every insert', () => {
  const db = openStore(':memory:');
  recordCall(db, aCall());
  recordCall(db, aCall({ outcome: 'error', errorKind: 'server', costUsd: 0.25 }));
  const totals = db.prepare('SELECT calls, failed_calls AS failed, cost_usd AS cost, input_tokens AS input FROM call_totals').all();
  assert.deepEqual(totals, [{ calls: 2, failed: 1, cost: 0.75, input: 20 }]);
});

test('listCalls filters by run, job, day, outcome and pages by id', () => {
  const db = openStore(':memory:');
  const first = recordCall(db, aCall());
  const second = recordCall(db, aCall({ runId: 5, outcome: 'error', errorKind: 'timeout', fallbackFrom: first }));
  recordCall(db, aCall({ job: undefined, runId: undefined, startedAt: new Date('2025-06-16T00:00:00Z') }));
  assert.deepEqual(listCalls(db, { runId: 4 }).map((row) => row.id), [first]);
  assert.deepEqual(listCalls(db, { outcome: 'error' }).map((row) => [row.id, row.fallbackFrom]), [[second, first]]);
  assert.equal(listCalls(db, { day: '2025-06-16' }).length, 1);
  assert.equal(listCalls(db, { job: 'digest' }).length, 2);
  assert.equal(listCalls(db, { month: '2025-06', afterId: first, limit: 1 })[0].id, second);
  assert.deepEqual(listCalls(db, { month: '2025-07' }), []);
});

test('error messages are stored without keys, tokens or control characters, and capped', () => {
  assert.equal(sanitizeErrorMessage('401 Incorrect API key provided: sk-ant-api03-abcdefghijkl'), '401 Incorrect API key provided: [redacted]');
  assert.equal(sanitizeErrorMessage('sent Authorization: Bearer abcdefghijklmnop'), 'sent Authorization: Bearer [redacted]');
  assert.equal(sanitizeErrorMessage('GET /v1?key=AIzaSecret123&x=1'), 'GET /v1?key=[redacted]&x=1');
  assert.equal(sanitizeErrorMessage('line one\nline two'), 'line one line two');
  assert.equal(sanitizeErrorMessage('x'.repeat(2_000)).length, 500);
});

test('kv: set, replace, read and delete', () => {
  const db = openStore(':memory:');
  assert.equal(getKv(db, 'k'), undefined);
  setKv(db, 'k', 'one');
  setKv(db, 'k', 'two');
  assert.equal(getKv(db, 'k'), 'two');
  assert.equal(deleteKv(db, 'k'), true);
  assert.equal(deleteKv(db, 'k'), false);
});
