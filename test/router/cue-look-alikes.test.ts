/**
 * The classifier's named cues read what a task asks for, not the words of what it is about:
 * summarising or extracting from technical or financial text stays orchestration, words that
 * only look like a cue ("analyst", body "weight", a "sensible" commit message) do not count as
 * one, and a meta-question naming tiers, providers or skills is answered by the meta rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from '../../agent/router/classifier.ts';

const classifier = createClassifier();

function assertTier(texts: string[], tier: string): void {
  for (const text of texts) {
    const result = classifier.classify(text);
    assert.equal(result.tier, tier, `${text}: ${result.reason}`);
  }
}

test('summaries and extractions of technical or financial text are orchestration', () => {
  assertTier(
    [
      'summarise the Grafana alert emails from the weekend',
      'tl;dr of the Docker Desktop licence change announcement',
      'extract the bond yields quoted in the Friday market note',
      'give me the key points of the pension fund annual report',
      'recap the GitLab issue thread about the flaky integration tests',
    ],
    'orchestration',
  );
});

test('code that summarises or extracts is still execution', () => {
  assertTier(
    [
      'write a script that extracts the totals from every invoice PDF in a folder',
      'write a python function that summarises my transactions by month',
    ],
    'execution',
  );
});

test('words that only look like a reasoning cue do not make a task reasoning', () => {
  assertTier(['pull the analyst ratings for my watchlist out of this email', 'log my weight, 81 kg'], 'orchestration');
  assertTier(
    [
      'write a function that returns my weight trend as a list of weekly averages',
      'commit the staged changes with a sensible message and push to origin',
    ],
    'execution',
  );
});

test('a change of format or style is a transform', () => {
  assertTier(['switch the dates in the export from American to ISO format'], 'execution');
});

test('meta-questions naming a tier, a provider or a skill are orchestration', () => {
  for (const text of [
    'would "build me a budget dashboard in React" go to execution or reasoning?',
    'which provider should take "explain the trade-offs of index funds"?',
    'can the calendar skill handle recurring events, or do I need a script?',
  ]) {
    const result = classifier.classify(text);
    assert.equal(result.tier, 'orchestration', text);
    assert.match(result.reason, /meta-question/);
  }
});
