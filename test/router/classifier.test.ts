import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TIERS } from '../../contracts/types.ts';
import { createClassifier, loadTrainingSets } from '../../agent/router/classifier.ts';

const classifier = createClassifier();

test('the shipped training sets load, with every tier represented', () => {
  const tasks = loadTrainingSets();
  assert.ok(tasks.length >= 2_000, `only ${tasks.length} training tasks`);
  for (const tier of TIERS) assert.ok(tasks.some((task) => task.tier === tier), `no ${tier} example`);
  assert.ok(tasks.filter((task) => task.tier === 'large-context').every((task) => (task.inputTokens ?? 0) > 65_536));
});

test('the same text always gets the same answer, also from a second classifier', () => {
  const text = 'compare the running costs of a heat pump and a gas boiler over ten years';
  const first = classifier.classify(text);
  assert.deepEqual(classifier.classify(text), first);
  assert.deepEqual(createClassifier().classify(text), first);
});

test('confidence and scores are probabilities', () => {
  for (const text of ['', 'hi', 'lights off', 'x'.repeat(5_000), 'write '.repeat(1_000), '🙂 ??? ...']) {
    const result = classifier.classify(text);
    assert.ok(result.confidence >= 0 && result.confidence <= 1, `confidence ${result.confidence} for "${text.slice(0, 20)}"`);
    const total = TIERS.reduce((sum, tier) => sum + result.scores[tier], 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `scores sum to ${total}`);
    assert.equal(result.confidence, result.scores[result.tier]);
  }
});

test('clear orchestration tasks: lookups, summaries, extraction, small actions', () => {
  for (const text of [
    "what's on my calendar this afternoon?",
    'summarise the email from Hannah about the school trip',
    'pull the due date and amount out of this invoice',
    'remind me to water the plants at 6pm',
    'turn the hallway lights off',
  ]) {
    assert.equal(classifier.classify(text).tier, 'orchestration', text);
  }
});

test('clear execution tasks: code, scripts, regex, SQL, automation', () => {
  for (const text of [
    'write a python script that renames my scanned receipts by date',
    'give me a regex for US phone numbers',
    'write a SQL query that sums my spending per month',
    'refactor this function so it no longer uses global variables',
    'create a home assistant automation that closes the blinds at sunset',
  ]) {
    assert.equal(classifier.classify(text).tier, 'execution', text);
  }
});

test('clear reasoning tasks: trade-offs, strategy, multi-factor decisions, research write-ups', () => {
  for (const text of [
    'should I overpay my mortgage or put the money in my pension? weigh up the trade-offs',
    'write an in-depth report on whether we should move the family to Spain',
    'compare these three job offers on pay, growth, commute and stability and recommend one',
    'what is the best long-term strategy for my savings given inflation?',
  ]) {
    assert.equal(classifier.classify(text).tier, 'reasoning', text);
  }
});

test('meta-questions about routing or tools are orchestration, however hard the task they quote', () => {
  for (const text of [
    'which tool should handle "refactor the payment service into modules"?',
    'does "analyse the trade-offs of selling my house now" need the reasoning tier?',
    'is writing a regex for postcodes a job for the coding model?',
    'what tier would you route "deep research report on battery storage" to?',
    'pick the right model for "plan my investment strategy for the next decade"',
  ]) {
    const result = classifier.classify(text);
    assert.equal(result.tier, 'orchestration', text);
    assert.match(result.reason, /meta-question/);
  }
});

test('text alone gives large-context only when it describes a huge input', () => {
  assert.equal(classifier.classify('summarise this 400-page contract').tier, 'large-context');
  assert.equal(classifier.classify('summarise this email').scores['large-context'], 0);
});

test('the reason names the tier and the confidence', () => {
  const result = classifier.classify('write a bash script to back up my photos');
  assert.match(result.reason, /^classifier: execution \(\d\.\d\d\)/);
});

test('a training set without any usable example is refused', () => {
  assert.throws(() => createClassifier([]), /at least one example/);
});
