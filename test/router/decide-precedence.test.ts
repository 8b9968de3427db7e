import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tier } from '../../contracts/types.ts';
import type { Classification, TaskClassifier } from '../../agent/router/classifier.ts';
import {
  DEFAULT_STEP_KINDS,
  decideTier,
  decideTierSync,
  type DecideOptions,
} from '../../agent/router/decide.ts';

/** A classifier that answers `scores` for every text and counts its calls. */
function aClassifier(scores: Partial<Record<Tier, number>>): TaskClassifier & { calls: number } {
  const full: Record<Tier, number> = { orchestration: 0, execution: 0, reasoning: 0, 'large-context': 0, ...scores };
  const tier = (Object.keys(full) as Tier[]).reduce((best, next) => (full[next] > full[best] ? next : best));
  const classifier = {
    calls: 0,
    classify(): Classification {
      classifier.calls++;
      return { tier, confidence: full[tier], scores: full, reason: `classifier: ${tier} (${full[tier].toFixed(2)})` };
    },
  };
  return classifier;
}

function someOptions(classifier: TaskClassifier = aClassifier({ execution: 0.9, orchestration: 0.1 })): DecideOptions {
  return { largeContextThreshold: 65_536, confidenceThreshold: 0.6, kinds: { ...DEFAULT_STEP_KINDS }, classifier };
}

test('an input over the threshold goes to large-context before kind or text are read', () => {
  const classifier = aClassifier({ orchestration: 1 });
  const decision = decideTierSync({ kind: 'summarise', text: 'summarise this', inputTokens: 80_000 }, someOptions(classifier));
  assert.equal(decision.tier, 'large-context');
  assert.equal(decision.source, 'size');
  assert.equal(decision.reason, 'input 80,000 tokens > 65,536 threshold');
  assert.equal(classifier.calls, 0);
});

test('an input exactly at the threshold is not large', () => {
  const decision = decideTierSync({ kind: 'code', inputTokens: 65_536 }, someOptions());
  assert.equal(decision.tier, 'execution');
});

test('an explicit kind maps through the table and wins over the text', () => {
  const classifier = aClassifier({ reasoning: 1 });
  const decision = decideTierSync({ kind: 'code', text: 'weigh the trade-offs of three pensions' }, someOptions(classifier));
  assert.deepEqual(decision, { tier: 'execution', source: 'kind', reason: "kind 'code' maps to execution", needsOrchestrator: false });
  assert.equal(classifier.calls, 0);
});

test('every default kind maps to its tier', () => {
  const expected: Record<string, Tier> = {
    routing: 'orchestration', tool_choice: 'orchestration', summarise: 'orchestration', extract: 'orchestration',
    code: 'execution', scripting: 'execution', automation: 'execution', transform: 'execution',
    analysis: 'reasoning', trade_offs: 'reasoning', report: 'reasoning',
  };
  for (const [kind, tier] of Object.entries(expected)) {
    assert.equal(decideTierSync({ kind }, someOptions()).tier, tier, kind);
  }
});

test('the kind table passed in replaces the defaults', () => {
  const options = { ...someOptions(), kinds: { triage: 'reasoning' as Tier } };
  assert.equal(decideTierSync({ kind: 'triage' }, options).tier, 'reasoning');
  assert.throws(() => decideTierSync({ kind: 'code' }, options), /unknown step kind 'code'; known kinds: triage/);
});

test('an unknown kind is an error naming it and the known kinds, even with a large input', () => {
  assert.throws(
    () => decideTierSync({ kind: 'poetry', inputTokens: 100_000 }, someOptions()),
    (error: Error) => error.message.includes("'poetry'") && error.message.includes('routing, tool_choice') && error.message.includes('report'),
  );
  assert.throws(() => decideTierSync({ kind: 'toString' }, someOptions()), /unknown step kind 'toString'/);
});

test('a task with neither kind nor text is an error', () => {
  assert.throws(() => decideTierSync({ inputTokens: 10 }, someOptions()), /neither a kind nor a text/);
});

test('free text goes to the classifier when it is confident', () => {
  const decision = decideTierSync({ text: 'write a regex' }, someOptions(aClassifier({ execution: 0.87, orchestration: 0.13 })));
  assert.equal(decision.tier, 'execution');
  assert.equal(decision.source, 'classifier');
  assert.equal(decision.reason, 'classifier: execution (0.87)');
  assert.equal(decision.confidence, 0.87);
  assert.equal(decision.needsOrchestrator, false);
});

test('a known-small input never gets large-context from the classifier', () => {
  const classifier = aClassifier({ 'large-context': 0.5, orchestration: 0.45, execution: 0.05 });
  const decision = decideTierSync({ text: 'summarise this long report', inputTokens: 3_000 }, someOptions(classifier));
  assert.equal(decision.tier, 'orchestration');
  assert.ok((decision.confidence ?? 0) > 0.89);
});

test('a confident classifier does not ask the orchestrator', async () => {
  let asked = 0;
  const decision = await decideTier({ text: 'write a regex' }, {
    ...someOptions(),
    askOrchestrator: async () => {
      asked++;
      return 'reasoning';
    },
  });
  assert.equal(decision.tier, 'execution');
  assert.equal(asked, 0);
});
