/**
 * Routing equivalence: what the router decides for every text of every set under
 * agent/router/data/ (training, development, held-out), one JSON line a text, so a change made
 * for speed can be shown to change no decision:
 *
 *   node --import tsx bench/routing-equivalence.ts > /tmp/before.jsonl
 *   ... change the router ...
 *   node --import tsx bench/routing-equivalence.ts > /tmp/after.jsonl && cmp /tmp/before.jsonl /tmp/after.jsonl
 *
 * Each line holds the classifier's tier, confidence and every score (rounded to 1e-9) and its
 * reason, and the `decideTierSync` decision (tier, source, reason, confidence) for the text with
 * its input size. Printed for the classifier trained on the shipped sets with the default options
 * and with each option the eval's candidates switch off (`--variants default` prints only the
 * first). `--shipped`: the default one is the shipped model (agent/router/model/, what the
 * router loads) instead of one trained now; its lines must not change either. `--exact` prints
 * numbers at full precision instead of rounded.
 */
import { readdirSync } from 'node:fs';
import { TIERS } from '../contracts/types.ts';
import { classifierFromModel, createClassifier, loadTaskSet, loadTrainingSets, type ClassifierOptions, type TaskClassifier } from '../agent/router/classifier.ts';
import { DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_LARGE_CONTEXT_THRESHOLD, DEFAULT_STEP_KINDS, decideTierSync } from '../agent/router/decide.ts';
import { readShippedModel } from '../agent/router/routing-model.ts';

const DATA = new URL('../agent/router/data/', import.meta.url);
const SET_FOLDERS = ['training', 'development', 'heldout'];

/** The classifiers compared: the shipped options, then each part the eval's candidates leave out. */
const VARIANTS: Readonly<Record<string, ClassifierOptions>> = {
  default: {},
  'one-stage': { secondStage: false },
  'no-character-grams': { characterGrams: false },
  'no-concepts': { concepts: false },
};

function argumentValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const exact = process.argv.includes('--exact');
const shipped = process.argv.includes('--shipped');
const number = (value: number): number | string => (exact ? value : value.toFixed(9));
const variantNames = argumentValue('--variants')?.split(',') ?? Object.keys(VARIANTS);

const sets = SET_FOLDERS.flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, DATA))
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => ({ name: `${folder}/${name}`, tasks: loadTaskSet(new URL(`${folder}/${name}`, DATA)) })),
);

const examples = loadTrainingSets();
for (const variantName of variantNames) {
  const options = VARIANTS[variantName];
  if (options === undefined) throw new Error(`unknown variant '${variantName}'; known: ${Object.keys(VARIANTS).join(', ')}`);
  const classifier: TaskClassifier = shipped && variantName === 'default' ? shippedClassifier() : createClassifier(examples, options);
  const decideOptions = {
    largeContextThreshold: DEFAULT_LARGE_CONTEXT_THRESHOLD,
    confidenceThreshold: DEFAULT_CONFIDENCE_THRESHOLD,
    kinds: { ...DEFAULT_STEP_KINDS },
    classifier,
  };
  for (const set of sets) {
    set.tasks.forEach((task, index) => {
      const classification = classifier.classify(task.text);
      const { needsOrchestrator, ...decision } = decideTierSync({ text: task.text, inputTokens: task.inputTokens }, decideOptions);
      const line = {
        variant: variantName,
        set: set.name,
        line: index + 1,
        tier: classification.tier,
        confidence: number(classification.confidence),
        reason: classification.reason,
        scores: TIERS.map((tier) => number(classification.scores[tier])),
        decision: { ...decision, confidence: decision.confidence === undefined ? undefined : number(decision.confidence), needsOrchestrator },
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    });
  }
}

function shippedClassifier(): TaskClassifier {
  const model = readShippedModel();
  if (!('model' in model)) throw new Error(`the shipped model is not usable: ${model.unusable} (npm run train:routing)`);
  return classifierFromModel(model.model);
}
