/**
 * Routing accuracy: trains the classifier on the training file only, routes every held-out
 * task through `decideTierSync` (with its input size; unsure cases take the safe fallback, no
 * model is called) and reports accuracy, the confusion matrix, under- and over-routing and the
 * misrouted tasks. A 5-fold cross-validation over training and held-out tasks together checks
 * that the figures do not hinge on one split.
 *
 *   node --import tsx bench/eval-routing.ts [--json] [--set FILE]
 *
 * `--set FILE` evaluates another JSONL file of labelled tasks (e.g. the independent set) in place
 * of the held-out file; the cross-validation still runs over training + held-out.
 * Exits 1 when accuracy on the evaluated set is below 0.92 or under-routing above 0.03.
 */
import { pathToFileURL } from 'node:url';
import { TIERS, TIER_RANK, type Tier } from '../contracts/types.ts';
import { createClassifier, loadTrainingSet, type LabelledTask } from '../agent/router/classifier.ts';
import {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_LARGE_CONTEXT_THRESHOLD,
  DEFAULT_STEP_KINDS,
  decideTierSync,
} from '../agent/router/decide.ts';

export const HELDOUT_SET_PATH = new URL('../agent/router/data/tasks.heldout.jsonl', import.meta.url);
/** Tasks written independently of the training and held-out files, never trained or tuned on. */
export const INDEPENDENT_SET_PATH = new URL('../agent/router/data/tasks.independent.jsonl', import.meta.url);
export const MINIMUM_ACCURACY = 0.92;
export const MAXIMUM_UNDER_ROUTING = 0.03;

export interface Misroute {
  text: string;
  expected: Tier;
  predicted: Tier;
  reason: string;
}

export interface RoutingEvaluation {
  total: number;
  accuracy: number;
  /** Share of tasks sent to a tier that cannot do them (see `isUnderRouted`). */
  underRouting: number;
  /** Share of tasks sent to a costlier or needlessly different tier. */
  overRouting: number;
  /** Share of tasks the classifier was unsure of (resolved by the safe fallback). */
  unsure: number;
  /** `confusion[expected][predicted]`: counts. */
  confusion: Record<Tier, Record<Tier, number>>;
  misroutes: Misroute[];
}

export interface CrossValidation {
  folds: number;
  accuracyByFold: number[];
  meanAccuracy: number;
  meanUnderRouting: number;
  meanOverRouting: number;
}

/**
 * A task is under-routed when it needs the large-context tier and gets any other (its input
 * would not fit), or when the chosen tier is cheaper by TIER_RANK than the one it needs.
 */
export function isUnderRouted(expected: Tier, predicted: Tier): boolean {
  if (expected === predicted) return false;
  return expected === 'large-context' || TIER_RANK[predicted] < TIER_RANK[expected];
}

/** Trains on `trainingSet` and routes every task of `testSet`; an empty test set gives zeros. */
export function evaluateRouting(trainingSet: LabelledTask[], testSet: LabelledTask[]): RoutingEvaluation {
  const options = {
    largeContextThreshold: DEFAULT_LARGE_CONTEXT_THRESHOLD,
    confidenceThreshold: DEFAULT_CONFIDENCE_THRESHOLD,
    kinds: { ...DEFAULT_STEP_KINDS },
    classifier: createClassifier(trainingSet),
  };
  const confusion = Object.fromEntries(
    TIERS.map((expected) => [expected, Object.fromEntries(TIERS.map((predicted) => [predicted, 0]))]),
  ) as Record<Tier, Record<Tier, number>>;
  const misroutes: Misroute[] = [];
  let correct = 0;
  let under = 0;
  let unsure = 0;
  for (const task of testSet) {
    const decision = decideTierSync({ text: task.text, inputTokens: task.inputTokens }, options);
    confusion[task.tier][decision.tier]++;
    if (decision.needsOrchestrator) unsure++;
    if (decision.tier === task.tier) {
      correct++;
      continue;
    }
    if (isUnderRouted(task.tier, decision.tier)) under++;
    misroutes.push({ text: task.text, expected: task.tier, predicted: decision.tier, reason: decision.reason });
  }
  const total = testSet.length;
  const share = (count: number): number => (total === 0 ? 0 : count / total);
  return {
    total,
    accuracy: share(correct),
    underRouting: share(under),
    overRouting: share(total - correct - under),
    unsure: share(unsure),
    confusion,
    misroutes,
  };
}

/**
 * k-fold cross-validation over `tasks`: folds are dealt from a fixed-seed shuffle, so the result
 * is the same on every run.
 */
export function crossValidate(tasks: LabelledTask[], folds = 5): CrossValidation {
  const order = tasks.map((_, index) => index);
  let seed = 12345;
  for (let index = order.length - 1; index > 0; index--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const other = seed % (index + 1);
    [order[index], order[other]] = [order[other], order[index]];
  }
  const results: RoutingEvaluation[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const testSet = order.filter((_, position) => position % folds === fold).map((index) => tasks[index]);
    const trainingSet = order.filter((_, position) => position % folds !== fold).map((index) => tasks[index]);
    results.push(evaluateRouting(trainingSet, testSet));
  }
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    folds,
    accuracyByFold: results.map((result) => result.accuracy),
    meanAccuracy: mean(results.map((result) => result.accuracy)),
    meanUnderRouting: mean(results.map((result) => result.underRouting)),
    meanOverRouting: mean(results.map((result) => result.overRouting)),
  };
}

function formatConfusion(confusion: Record<Tier, Record<Tier, number>>): string {
  const width = Math.max(...TIERS.map((tier) => tier.length)) + 2;
  const header = 'expected \\ got'.padEnd(width) + TIERS.map((tier) => tier.padStart(width)).join('');
  const rows = TIERS.map(
    (expected) =>
      expected.padEnd(width) + TIERS.map((predicted) => String(confusion[expected][predicted]).padStart(width)).join(''),
  );
  return [header, ...rows].join('\n');
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

/** The value after `--set`, or undefined; throws when `--set` has no value. */
function evaluatedSetPath(argv: string[]): string | undefined {
  const index = argv.indexOf('--set');
  if (index === -1) return undefined;
  const path = argv[index + 1];
  if (path === undefined || path.startsWith('--')) throw new Error('--set needs a JSONL file path');
  return path;
}

function main(argv: string[]): number {
  const trainingSet = loadTrainingSet();
  const heldoutSet = loadTrainingSet(HELDOUT_SET_PATH);
  const setPath = evaluatedSetPath(argv);
  const setName = setPath ?? 'held-out';
  const heldout = evaluateRouting(trainingSet, setPath === undefined ? heldoutSet : loadTrainingSet(setPath));
  const crossValidation = crossValidate([...trainingSet, ...heldoutSet]);
  const passed = heldout.accuracy >= MINIMUM_ACCURACY && heldout.underRouting <= MAXIMUM_UNDER_ROUTING;

  if (argv.includes('--json')) {
    const { misroutes, ...numbers } = heldout;
    console.log(
      JSON.stringify(
        { trainingSize: trainingSet.length, set: setName, heldout: { ...numbers, misrouted: misroutes.length }, crossValidation, passed },
        null,
        2,
      ),
    );
  } else {
    console.log(`training tasks: ${trainingSet.length}, ${setName} tasks: ${heldout.total}`);
    console.log(`accuracy:      ${percent(heldout.accuracy)} (bar ${percent(MINIMUM_ACCURACY)})`);
    console.log(`under-routing: ${percent(heldout.underRouting)} (bar ${percent(MAXIMUM_UNDER_ROUTING)})`);
    console.log(`over-routing:  ${percent(heldout.overRouting)}`);
    console.log(`unsure, resolved to the safer tier: ${percent(heldout.unsure)}\n`);
    console.log(formatConfusion(heldout.confusion));
    console.log(`\nmisrouted (${heldout.misroutes.length}):`);
    for (const misroute of heldout.misroutes) {
      const direction = isUnderRouted(misroute.expected, misroute.predicted) ? 'UNDER' : 'over ';
      console.log(`  ${direction} ${misroute.expected} -> ${misroute.predicted}: ${misroute.text}\n         ${misroute.reason}`);
    }
    console.log(`\n${crossValidation.folds}-fold cross-validation over training + held-out:`);
    console.log(`  accuracy by fold: ${crossValidation.accuracyByFold.map(percent).join(', ')}`);
    console.log(
      `  mean accuracy ${percent(crossValidation.meanAccuracy)}, under-routing ${percent(crossValidation.meanUnderRouting)}, over-routing ${percent(crossValidation.meanOverRouting)}`,
    );
    console.log(passed ? '\nPASS' : '\nFAIL');
  }
  return passed ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
