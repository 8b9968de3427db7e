/**
 * Writes the shipped routing model and pattern index (agent/router/model/) from the training
 * sets and the cue and concept patterns. Run after changing any of them, or the features or
 * training code: `npm run train:routing`. Deterministic: the same sources give the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PATTERN_INDEX_PATH, patternIndexFileText } from '../agent/router/cue-pattern-sets.ts';
import { MODEL_PATH, trainShippedModel } from '../agent/router/routing-model.ts';

const started = performance.now();
writeFileSync(PATTERN_INDEX_PATH, patternIndexFileText());
const model = trainShippedModel();
writeFileSync(MODEL_PATH, model);
process.stdout.write(
  `wrote ${fileURLToPath(PATTERN_INDEX_PATH)} and ${fileURLToPath(MODEL_PATH)} (${(model.length / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
