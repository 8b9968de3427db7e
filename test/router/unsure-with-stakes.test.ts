/**
 * The unsure-with-stakes rule of the classifier: when no other rule has spoken, the request names
 * a stake and a cheaper tier leads reasoning by at most the margin, reasoning is taken. It only
 * ever raises to reasoning, and being unsure with no stake never does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifierFromModel, loadTrainingSets, trainModel } from '../../agent/router/classifier.ts';

const RULE = 'unsure, and something is at stake';
const tasks = loadTrainingSets();
const model = trainModel(tasks);
const off = classifierFromModel(model, { unsureStakesMargin: -1 });
const widest = classifierFromModel(model, { unsureStakesMargin: 1 });

test('the rule changes an answer only to reasoning, and says so', () => {
  let changed = 0;
  for (const { text } of tasks) {
    const before = off.classify(text);
    const after = widest.classify(text);
    if (after.tier === before.tier) continue;
    changed++;
    assert.equal(after.tier, 'reasoning', text);
    assert.match(after.reason, new RegExp(RULE), text);
    assert.doesNotMatch(before.reason, /; /, `another rule spoke before: ${text}`);
  }
  assert.ok(changed > 0, 'the widest margin changed no answer: the rule is not wired in');
});

test('with no stake in the text, being unsure never sends it to reasoning', () => {
  for (const text of ['something ambiguous', 'hmm not sure, maybe do the thing with the files?', 'rename these photos by date, or maybe by place']) {
    assert.doesNotMatch(widest.classify(text).reason, new RegExp(RULE), text);
  }
});

test('off, the rule never speaks', () => {
  for (const { text } of tasks.slice(0, 500)) assert.doesNotMatch(off.classify(text).reason, new RegExp(RULE), text);
});
