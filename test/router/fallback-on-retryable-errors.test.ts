import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { aRequest, aRouter, aUsage } from './builders.ts';
import type { ErrorKind } from '../../contracts/types.ts';

const RETRYABLE: Array<{ kind: ErrorKind; status?: number }> = [
  { kind: 'rate_limited', status: 429 },
  { kind: 'overloaded', status: 529 },
  { kind: 'server', status: 500 },
  { kind: 'timeout' },
  { kind: 'network' },
  { kind: 'stream_cut' },
];

for (const { kind, status } of RETRYABLE) {
  test(`${kind}: the call falls back to the next model and both attempts are in the ledger, linked`, async () => {
    const partial = aUsage({ inputTokens: 200, outputTokens: 10 });
    const { router, db } = aRouter({
      scripts: { 'a-mid': [{ fail: kind, status, usage: kind === 'stream_cut' ? partial : undefined }] },
    });
    const response = await router.complete({ task: { text: 'do it' }, request: aRequest(), origin: { job: 'digest', runId: 7 } });

    assert.equal(response.modelId, 'b-mid');
    assert.equal(response.text, 'ok from b-mid');
    const rows = listCalls(db);
    assert.equal(rows.length, 2);
    const [failed, answered] = rows;
    assert.equal(failed.model, 'a-mid');
    assert.equal(failed.outcome, 'error');
    assert.equal(failed.errorKind, kind);
    assert.equal(failed.fallbackFrom, null);
    assert.equal(answered.model, 'b-mid');
    assert.equal(answered.outcome, 'ok');
    assert.equal(answered.errorKind, null);
    assert.equal(answered.fallbackFrom, failed.id);
    assert.match(answered.reason ?? '', new RegExp(`fallback after a-mid: ${kind}`));
    for (const row of rows) {
      assert.equal(row.job, 'digest');
      assert.equal(row.runId, 7);
      assert.equal(row.tier, 'execution');
    }
    assert.deepEqual(
      response.attempts.map((attempt) => [attempt.callId, attempt.model, attempt.outcome, attempt.errorKind]),
      [
        [failed.id, 'a-mid', 'error', kind],
        [answered.id, 'b-mid', 'ok', undefined],
      ],
    );
    assert.equal(response.callId, answered.id);
  });
}

test('a cut stream is billed for the tokens it had already used', async () => {
  const partial = aUsage({ inputTokens: 1_000, outputTokens: 100 });
  const { router, db } = aRouter({ scripts: { 'a-mid': [{ fail: 'stream_cut', usage: partial }] } });
  const response = await router.complete({ task: {}, request: aRequest() });

  const [cut, answered] = listCalls(db);
  // a-mid: 1000 * $2/M + 100 * $8/M; flagship b-big: 1000 * $15/M + 100 * $75/M.
  assert.equal(cut.inputTokens, 1_000);
  assert.equal(cut.outputTokens, 100);
  assert.ok(Math.abs(cut.costUsd - 0.0028) < 1e-12);
  assert.ok(Math.abs(cut.flagshipCostUsd - 0.0225) < 1e-12);
  // The response's cost is the whole request's: the cut attempt plus the answer (b-mid, 100 in, 50 out).
  const answerCost = (100 * 3 + 50 * 15) / 1e6;
  assert.ok(Math.abs(answered.costUsd - answerCost) < 1e-12);
  assert.ok(Math.abs(response.costUsd - (0.0028 + answerCost)) < 1e-12);
});

test('after a failure the next model is at another provider, even when a same-provider model comes first', async () => {
  const { router, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'server', status: 500 }], 'b-mid': [{ fail: 'server', status: 500 }] } });
  const response = await router.complete({ task: {}, request: aRequest() });

  // Chain order is a-mid, a-mid-2, b-mid: b-mid (beta) is preferred over a-mid-2 (alpha, which just failed);
  // when beta fails too, a-mid-2 is all that is left.
  assert.deepEqual(
    log.map((call) => call.model),
    ['a-mid', 'b-mid', 'a-mid-2'],
  );
  assert.equal(response.modelId, 'a-mid-2');
});

test('rows say which attempts were simulated', async () => {
  const { router, db } = aRouter({ simulated: ['beta'], scripts: { 'a-mid': [{ fail: 'overloaded', status: 529 }] } });
  const response = await router.complete({ task: {}, request: aRequest() });
  assert.equal(response.simulated, true);
  assert.deepEqual(
    listCalls(db).map((row) => [row.model, row.simulated]),
    [
      ['a-mid', false],
      ['b-mid', true],
    ],
  );
});
