import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckFailedError, completeChecked, nextTierUp, type CheckResult } from '../../skills/escalation.ts';
import type { RoutedResponse } from '../../contracts/router.ts';
import { aScriptedRouter } from '../helpers/scripted-router.ts';

const routed = { task: { kind: 'extract' }, request: { messages: [{ role: 'user' as const, content: 'extract the total' }] } };
const isNumber = (response: RoutedResponse): CheckResult<number> => {
  const value = Number(response.text);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: `"${response.text}" is not a number` };
};

test('an answer that passes its check is returned without escalation', async () => {
  const router = aScriptedRouter([{ text: '42' }]);
  const result = await completeChecked(router, routed, isNumber);
  assert.equal(result.value, 42);
  assert.equal(result.escalation, undefined);
  assert.equal(router.requests.length, 1);
});

test('a failed check retries once on the next tier up, with the problem told to the model', async () => {
  const router = aScriptedRouter([{ text: 'forty-two' }, { text: '42' }]);
  const result = await completeChecked(router, routed, isNumber);
  assert.equal(result.value, 42);
  assert.deepEqual(result.escalation, { from: 'orchestration', to: 'execution', problem: '"forty-two" is not a number' });
  assert.equal(router.requests[1].task.tier, 'execution');
  const last = router.requests[1].request.messages.at(-1);
  assert.match(last?.content ?? '', /rejected: "forty-two" is not a number/);
});

test('a second failure throws with both problems, and nothing runs a third time', async () => {
  const router = aScriptedRouter([{ text: 'x' }, { text: 'y' }, { text: '42' }]);
  await assert.rejects(completeChecked(router, routed, isNumber), (error: unknown) => error instanceof CheckFailedError && error.problems.length === 2);
  assert.equal(router.requests.length, 2);
});

test('the tiers climb orchestration → execution → reasoning, and large-context escalates to reasoning', () => {
  assert.equal(nextTierUp('orchestration'), 'execution');
  assert.equal(nextTierUp('execution'), 'reasoning');
  assert.equal(nextTierUp('large-context'), 'reasoning');
  assert.equal(nextTierUp('reasoning'), undefined);
});

test('at the top tier a failed check is final', async () => {
  const router = aScriptedRouter([{ text: 'nope' }]);
  await assert.rejects(completeChecked(router, { ...routed, task: { tier: 'reasoning' } }, isNumber), CheckFailedError);
  assert.equal(router.requests.length, 1);
});
