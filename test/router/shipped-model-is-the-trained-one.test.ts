/**
 * The model and pattern index the router loads (agent/router/model/) are exactly what training
 * on the shipped sets and indexing the shipped patterns give today, so the files can never drift
 * from the data, the cues or the code. When this fails after an edit, regenerate them:
 *
 *   npm run train:routing
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAINING_SET_PATHS, classifierFromModel, createClassifier, loadTrainingSets } from '../../agent/router/classifier.ts';
import { PATTERN_INDEX_PATH, patternIndexFileText } from '../../agent/router/cue-pattern-sets.ts';
import { MODEL_PATH, decodeModel, loadShippedClassifier, readShippedModel, trainShippedModel } from '../../agent/router/routing-model.ts';

const REGENERATE = 'the shipped file is stale: run `npm run train:routing` and commit agent/router/model/';

test('retraining on the shipped sets gives the shipped model file byte for byte (else: npm run train:routing)', () => {
  const shipped = readFileSync(MODEL_PATH);
  const retrained = trainShippedModel();
  assert.equal(retrained.length, shipped.length, REGENERATE);
  assert.ok(Buffer.from(retrained).equals(shipped), REGENERATE);
});

test('indexing the shipped cues and concepts gives the shipped pattern index (else: npm run train:routing)', () => {
  assert.equal(readFileSync(PATTERN_INDEX_PATH, 'utf8'), patternIndexFileText(), REGENERATE);
});

test('the shipped model is used, and answers like a classifier trained now, to the last bit', () => {
  const shipped = readShippedModel();
  assert.ok('model' in shipped, `shipped model not usable: ${'unusable' in shipped ? shipped.unusable : ''}`);
  const loaded = classifierFromModel(shipped.model);
  const trained = createClassifier();
  for (const task of loadTrainingSets().filter((_, index) => index % 40 === 0)) {
    assert.deepEqual(loaded.classify(task.text), trained.classify(task.text), task.text);
  }
});

test('a model file made from other training sets is not used: the classifier trains instead', () => {
  const folder = mkdtempSync(join(tmpdir(), 'routing-model-'));
  try {
    const sets = TRAINING_SET_PATHS.slice(0, 3).map((path, index) => {
      const copy = join(folder, `set-${index}.jsonl`);
      copyFileSync(path, copy);
      return copy;
    });
    const modelPath = join(folder, 'routing-model.bin');
    writeFileSync(modelPath, trainShippedModel(sets));
    assert.ok('model' in readShippedModel(modelPath, sets));

    writeFileSync(sets[1], `${readFileSync(sets[1], 'utf8')}{"text": "what is the capital of Peru", "tier": "orchestration"}\n`);
    assert.deepEqual(readShippedModel(modelPath, sets), { unusable: 'made from other training sets' });
    const text = 'compare the running costs of a heat pump and a gas boiler over ten years';
    assert.deepEqual(loadShippedClassifier(modelPath, sets).classify(text), createClassifier(loadTrainingSets(sets)).classify(text));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a damaged or missing model file is not used, with the reason given', () => {
  const bytes = readFileSync(MODEL_PATH);
  assert.throws(() => decodeModel(bytes.subarray(0, bytes.length - 8)), /bytes, expected/);
  const unusable = readShippedModel(join(tmpdir(), 'no-such-routing-model.bin'));
  assert.ok('unusable' in unusable && /ENOENT/.test(unusable.unusable));
});
