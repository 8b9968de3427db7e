import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { ChainError } from '../../agent/router/router.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { aRequest, aRouter } from './builders.ts';

test('auth: no other model of that provider is tried; the chain goes on at another provider', async () => {
  const { router, db, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'auth', status: 401 }] } });
  const response = await router.complete({ task: {}, request: aRequest() });

  // a-mid-2 is also at alpha, whose key was just refused: skipped.
  assert.deepEqual(log.map((call) => call.model), ['a-mid', 'b-mid']);
  assert.equal(response.modelId, 'b-mid');
  const [refused, answered] = listCalls(db);
  assert.equal(refused.errorKind, 'auth');
  assert.equal(answered.fallbackFrom, refused.id);
  assert.match(answered.reason ?? '', /provider alpha skipped/);
});

test('auth at every provider: a ChainError naming both', async () => {
  const { router, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'auth', status: 401 }], 'b-mid': [{ fail: 'auth', status: 403 }] } });
  const failure = await router.complete({ task: {}, request: aRequest() }).catch((error) => error);

  assert.ok(failure instanceof ChainError);
  assert.equal(log.length, 2);
  assert.deepEqual(failure.attempts.map((attempt) => [attempt.model, attempt.kind, attempt.status]), [
    ['a-mid', 'auth', 401],
    ['b-mid', 'auth', 403],
  ]);
});

test('bad_request stops the chain: no second model is sent a request it would refuse too', async () => {
  const { router, db, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'bad_request', status: 400, message: 'alpha (a-mid): 400 invalid schema' }] } });
  const failure = await router.complete({ task: {}, request: aRequest() }).catch((error) => error);

  assert.ok(failure instanceof ChainError);
  assert.equal(failure.kind, 'bad_request');
  assert.match(failure.message, /a-mid refused the request \(bad_request\)/);
  assert.match(failure.message, /invalid schema/);
  assert.equal(log.length, 1);
  assert.equal(listCalls(db).length, 1);
});

test('content_filtered stops the chain as well', async () => {
  const { router, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'content_filtered', status: 400 }] } });
  const failure = await router.complete({ task: {}, request: aRequest() }).catch((error) => error);
  assert.ok(failure instanceof ChainError);
  assert.equal(failure.kind, 'content_filtered');
  assert.equal(log.length, 1);
});

test('aborted: stop at once, the attempt is in the ledger as aborted with its partial usage', async () => {
  const { router, db, log } = aRouter({
    scripts: { 'a-mid': [{ fail: 'aborted', usage: { inputTokens: 300, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 } }] },
  });
  const failure = await router.complete({ task: {}, request: aRequest() }).catch((error) => error);

  assert.ok(failure instanceof ProviderError);
  assert.equal(failure.kind, 'aborted');
  assert.equal(log.length, 1);
  const [row] = listCalls(db);
  assert.equal(row.outcome, 'aborted');
  assert.equal(row.inputTokens, 300);
  assert.ok(row.costUsd > 0);
});

test('a signal aborted before the call: nothing is sent and nothing is written', async () => {
  const { router, db, log } = aRouter();
  const controller = new AbortController();
  controller.abort();
  const failure = await router.complete({ task: {}, request: aRequest() }, controller.signal).catch((error) => error);
  assert.ok(failure instanceof ProviderError);
  assert.equal(failure.kind, 'aborted');
  assert.equal(log.length, 0);
  assert.equal(listCalls(db).length, 0);
});

test('an error message holding a key is stored redacted', async () => {
  const { router, db } = aRouter({
    scripts: { 'a-mid': [{ fail: 'auth', status: 401, message: 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234' }] },
  });
  await router.complete({ task: {}, request: aRequest() });
  const [row] = listCalls(db);
  assert.doesNotMatch(row.errorMessage ?? '', /abcdefghijklmnop/);
  assert.match(row.errorMessage ?? '', /\[redacted\]/);
});
