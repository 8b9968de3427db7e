/**
 * What the chain does with the failures that say a model or a provider is gone, rather than
 * busy: a 404 model falls back and stays out (in every process, until its config changes); an
 * empty account skips its provider without a retry; a request the model refuses for its shape
 * falls back and is recorded as a Switchboard defect; a refusal is never a success.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainError } from '../../agent/router/router.ts';
import { listDeadModels } from '../../memory/dead-models.ts';
import { listCalls } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { aConfig, aRequest, aRouter } from './builders.ts';

test('a 404 model falls back to the next model of the tier and is kept out of the next request', async () => {
  const { router, db, log } = aRouter({ scripts: { 'a-mid': [{ fail: 'model_not_found', status: 404, message: 'alpha (a-mid): 404 The model `a-mid` does not exist' }] } });

  const first = await router.complete({ task: {}, request: aRequest() });
  assert.equal(first.modelId, 'a-mid-2', 'the next model of the tier answered');
  assert.deepEqual(listDeadModels(db).map((dead) => [dead.model, dead.provider, dead.status]), [['a-mid', 'alpha', 404]]);
  assert.match(listCalls(db)[1].reason ?? '', /model_not_found \(marked dead\)/);

  const second = await router.complete({ task: {}, request: aRequest() });
  assert.deepEqual(log.map((call) => call.model), ['a-mid', 'a-mid-2', 'a-mid-2'], 'a-mid is not asked again');
  assert.equal(second.modelId, 'a-mid-2');
  assert.match(second.decision.reason, /skipped a-mid: answered 404/);
  assert.deepEqual(router.deadModels().map((dead) => dead.model), ['a-mid']);
});

test('a dead model stays dead for another process on the same database, and revives when its config changes', async () => {
  const db = openStore(':memory:');
  const { router } = aRouter({ db, scripts: { 'a-mid': [{ fail: 'model_not_found', status: 404 }] } });
  await router.complete({ task: {}, request: aRequest() });

  const sameConfig = aRouter({ db });
  assert.equal((await sameConfig.router.complete({ task: {}, request: aRequest() })).modelId, 'a-mid-2');

  const base = aConfig();
  const renamed = aConfig({ models: { ...base.models, 'a-mid': { ...base.models['a-mid'], model: 'a-mid-2026-12' } } });
  const edited = aRouter({ db, config: renamed });
  assert.deepEqual(listDeadModels(db), [], 'the edited model gets another chance');
  assert.equal((await edited.router.complete({ task: {}, request: aRequest() })).modelId, 'a-mid');
});

test('quota exhausted: no retry, no other model of that provider, the chain moves to the other provider', async () => {
  const { router, db, log, waits } = aRouter({ scripts: { 'a-mid': [{ fail: 'quota_exhausted', status: 429 }] } });

  const response = await router.complete({ task: {}, request: aRequest() });
  assert.deepEqual(log.map((call) => call.model), ['a-mid', 'b-mid'], 'a-mid-2 (same provider) is skipped');
  assert.deepEqual(waits, [], 'no wait for a retry');
  assert.equal(response.modelId, 'b-mid');
  assert.equal(listCalls(db)[0].errorKind, 'quota_exhausted');
  assert.match(listCalls(db)[1].reason ?? '', /quota_exhausted, provider alpha skipped/);
});

test('invalid_request (a request Switchboard built wrongly) falls back, and the ledger keeps the defect', async () => {
  const message = "alpha (a-mid): 400 Unsupported parameter: 'max_tokens' is not supported with this model.";
  const { router, db } = aRouter({ scripts: { 'a-mid': [{ fail: 'invalid_request', status: 400, message }] } });

  const response = await router.complete({ task: {}, request: aRequest() });
  assert.equal(response.modelId, 'a-mid-2');
  const [defect] = listCalls(db);
  assert.equal(defect.errorKind, 'invalid_request');
  assert.equal(defect.errorMessage, message);
  assert.match(listCalls(db)[1].reason ?? '', /a Switchboard defect/);
});

test('a refusal is never a success: the chain stops with kind refused, the billed attempt is in the ledger', async () => {
  const { router, db, log } = aRouter({ scripts: { 'a-mid': [{ refuse: 'I can’t help with that request.' }] } });

  const failure = await router.complete({ task: {}, request: aRequest() }).catch((error: unknown) => error);
  assert.ok(failure instanceof ChainError);
  assert.equal(failure.kind, 'refused');
  assert.match(failure.message, /a-mid declined to answer/);
  assert.match(failure.message, /can’t help/);
  assert.equal(log.length, 1, 'no other model is asked to do what one refused');
  const [call] = listCalls(db);
  assert.equal(call.outcome, 'error');
  assert.equal(call.errorKind, 'refused');
  assert.ok(call.costUsd > 0, 'the refused answer was billed and is priced');
});
