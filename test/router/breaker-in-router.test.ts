import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { readBreaker } from '../../memory/breakers.ts';
import { aRequest, aRouter } from './builders.ts';

test('an open breaker is skipped without a call or a ledger row, and recorded as a circuit_open attempt', async () => {
  const { router, db, log } = aRouter({
    scripts: { 'a-mid': [{ fail: 'server' }, { fail: 'server' }, { fail: 'server' }] },
  });
  // Three requests each fail on a-mid once (then answer elsewhere): the third opens a-mid's breaker.
  for (let i = 0; i < 3; i++) await router.complete({ task: {}, request: aRequest() });
  assert.equal(readBreaker(db, 'a-mid')?.state, 'open');

  log.length = 0;
  const rowsBefore = listCalls(db).length;
  const response = await router.complete({ task: {}, request: aRequest() });
  // The breaker is per model: a-mid-2, at the same provider, is still the next in line.
  assert.deepEqual(log.map((call) => call.model), ['a-mid-2']);
  assert.equal(listCalls(db).length, rowsBefore + 1);
  assert.deepEqual(response.attempts.map((attempt) => [attempt.model, attempt.errorKind, attempt.callId === 0]), [
    ['a-mid', 'circuit_open', true],
    ['a-mid-2', undefined, false],
  ]);
  const decision = await router.decide({}, aRequest());
  assert.deepEqual(decision.chain, ['a-mid-2', 'b-mid']);
  assert.match(decision.reason, /skipped a-mid: breaker open/);
});

test('after the cooldown the probe goes to the model, and its success closes the breaker', async () => {
  const { router, db, log, now } = aRouter({
    scripts: { 'a-mid': [{ fail: 'server' }, { fail: 'server' }, { fail: 'server' }] },
  });
  for (let i = 0; i < 3; i++) await router.complete({ task: {}, request: aRequest() });
  now.value = new Date(now.value.getTime() + 60_000);
  log.length = 0;
  const response = await router.complete({ task: {}, request: aRequest() });
  assert.equal(response.modelId, 'a-mid');
  assert.equal(readBreaker(db, 'a-mid')?.state, 'closed');
});
