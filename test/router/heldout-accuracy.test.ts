import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTrainingSet } from '../../agent/router/classifier.ts';
import {
  HELDOUT_SET_PATH,
  MAXIMUM_UNDER_ROUTING,
  MINIMUM_ACCURACY,
  evaluateRouting,
  isUnderRouted,
} from '../../bench/eval-routing.ts';

test('the held-out set is routed with >= 0.92 accuracy and <= 0.03 under-routing', () => {
  const result = evaluateRouting(loadTrainingSet(), loadTrainingSet(HELDOUT_SET_PATH));
  const misroutes = result.misroutes.map((misroute) => `${misroute.expected} -> ${misroute.predicted}: ${misroute.text}`).join('\n');
  assert.ok(result.total >= 140, `only ${result.total} held-out tasks`);
  assert.ok(result.accuracy >= MINIMUM_ACCURACY, `accuracy ${result.accuracy.toFixed(3)}\n${misroutes}`);
  assert.ok(result.underRouting <= MAXIMUM_UNDER_ROUTING, `under-routing ${result.underRouting.toFixed(3)}\n${misroutes}`);
});

test('under-routing: a cheaper tier than needed, or anything but large-context for a large input', () => {
  assert.equal(isUnderRouted('reasoning', 'execution'), true);
  assert.equal(isUnderRouted('execution', 'orchestration'), true);
  assert.equal(isUnderRouted('large-context', 'reasoning'), true);
  assert.equal(isUnderRouted('reasoning', 'large-context'), true);
  assert.equal(isUnderRouted('orchestration', 'reasoning'), false);
  assert.equal(isUnderRouted('execution', 'large-context'), false);
  assert.equal(isUnderRouted('execution', 'execution'), false);
});
