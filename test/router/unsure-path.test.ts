/**
 * The unsure path: below the confidence threshold the orchestrator is asked; when it gives no
 * usable answer the classifier's top tier stands. Only a job that marks its under-routing cost
 * high leans to the costlier of the two best tiers. Being unsure never sends a task to the
 * reasoning tier on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tier } from '../../contracts/types.ts';
import type { Classification, TaskClassifier } from '../../agent/router/classifier.ts';
import { DEFAULT_STEP_KINDS, decideTier, decideTierSync, type DecideOptions } from '../../agent/router/decide.ts';

/** A classifier that answers `scores` for every text. */
function aClassifier(scores: Partial<Record<Tier, number>>): TaskClassifier {
  const full: Record<Tier, number> = { orchestration: 0, execution: 0, reasoning: 0, 'large-context': 0, ...scores };
  const tier = (Object.keys(full) as Tier[]).reduce((best, next) => (full[next] > full[best] ? next : best));
  return {
    classify(): Classification {
      return { tier, confidence: full[tier], scores: full, reason: `classifier: ${tier} (${full[tier].toFixed(2)})` };
    },
  };
}

const unsure = (): TaskClassifier => aClassifier({ orchestration: 0.45, reasoning: 0.4, execution: 0.15 });

function someOptions(classifier: TaskClassifier = unsure()): DecideOptions {
  return { largeContextThreshold: 65_536, confidenceThreshold: 0.6, kinds: { ...DEFAULT_STEP_KINDS }, classifier };
}

const noUsableAnswers: Array<[string, () => Promise<Tier | undefined>]> = [
  ['throws', async () => {
    throw new Error('rate limited');
  }],
  ['answers nothing', async () => undefined],
  ['answers a word that is no tier', async () => 'gold-plated' as Tier],
];

test('without an orchestrator, an unsure decision takes the classifier\'s top tier, not the costlier one', () => {
  const decision = decideTierSync({ text: "what's on my calendar today and should I prepare anything" }, someOptions());
  assert.equal(decision.tier, 'orchestration');
  assert.equal(decision.source, 'fallback-top');
  assert.equal(decision.needsOrchestrator, true);
  assert.match(decision.reason, /classifier unsure \(orchestration 0\.45 < 0\.6\); took its top tier/);
});

test('an unsure classifier asks the orchestrator and takes its answer', async () => {
  const asked: string[] = [];
  const decision = await decideTier({ text: 'something ambiguous' }, {
    ...someOptions(),
    askOrchestrator: async (text) => {
      asked.push(text);
      return 'execution';
    },
  });
  assert.deepEqual(asked, ['something ambiguous']);
  assert.equal(decision.tier, 'execution');
  assert.equal(decision.source, 'orchestrator');
});

test('an orchestrator with no usable answer leaves the classifier\'s top tier', async () => {
  for (const [what, answer] of noUsableAnswers) {
    const decision = await decideTier({ text: 'something ambiguous' }, { ...someOptions(), askOrchestrator: answer });
    assert.equal(decision.tier, 'orchestration', what);
    assert.equal(decision.source, 'fallback-top', what);
  }
  const failed = await decideTier({ text: 'x' }, { ...someOptions(), askOrchestrator: noUsableAnswers[0][1] });
  assert.match(failed.reason, /orchestrator failed: rate limited/);
});

test('a task whose job marks under-routing as costly takes the costlier of the two best tiers', async () => {
  const task = { text: 'is my portfolio too risky', underRoutingCost: 'high' as const };
  const sync = decideTierSync(task, someOptions());
  assert.equal(sync.tier, 'reasoning');
  assert.equal(sync.source, 'fallback-safe');
  assert.match(sync.reason, /under-routing cost high: took the costlier of orchestration and reasoning/);
  const asked = await decideTier(task, { ...someOptions(), askOrchestrator: async () => undefined });
  assert.equal(asked.tier, 'reasoning');
});

test('a confident decision is the classifier\'s whatever the under-routing cost', () => {
  const confident = aClassifier({ orchestration: 0.9, reasoning: 0.1 });
  const decision = decideTierSync({ text: 'lights off', underRoutingCost: 'high' }, someOptions(confident));
  assert.equal(decision.tier, 'orchestration');
  assert.equal(decision.source, 'classifier');
});

test('no unsure decision reaches reasoning unless reasoning is the top guess or the job asks for it', () => {
  const spreads: Array<Partial<Record<Tier, number>>> = [
    { orchestration: 0.4, reasoning: 0.35, execution: 0.25 },
    { execution: 0.5, reasoning: 0.45, orchestration: 0.05 },
    { orchestration: 0.34, execution: 0.33, reasoning: 0.33 },
  ];
  for (const scores of spreads) {
    const decision = decideTierSync({ text: 'ambiguous' }, someOptions(aClassifier(scores)));
    assert.notEqual(decision.tier, 'reasoning', JSON.stringify(scores));
  }
});

test('on a tie in cost the classifier\'s better guess is kept', () => {
  const classifier = aClassifier({ execution: 0.4, 'large-context': 0.35, orchestration: 0.25 });
  assert.equal(decideTierSync({ text: 'ambiguous', underRoutingCost: 'high' }, someOptions(classifier)).tier, 'execution');
});

test('an abort while asking the orchestrator is rethrown, not turned into a fallback', async () => {
  const controller = new AbortController();
  const pending = decideTier(
    { text: 'something ambiguous' },
    {
      ...someOptions(),
      askOrchestrator: (_text, signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    },
    controller.signal,
  );
  controller.abort();
  await assert.rejects(pending, /aborted/);
});
