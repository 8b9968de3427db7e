/**
 * Leave-one-author-out sweep over classifier options (round 3 of issue 17).
 *   node --import tsx bench/routing-candidates/author-sweep.ts '<json options>' ['<json options>' ...]
 * Prints, per candidate, the mean accuracy and under-routing over the outsider sets (each left
 * out alone, then with its writer's other sets), and over the sets of round 2 on (fresh-c to -h,
 * outsider-k and -l).
 */
import { TRAINING_SET_PATHS, createClassifier, type ClassifierOptions } from '../../agent/router/classifier.ts';
import { authorSummary, leaveOneAuthorOut, loadNamedSet } from '../eval-routing.ts';

const pct = (value: number): string => `${(value * 100).toFixed(1)}`;
const sets = TRAINING_SET_PATHS.map(loadNamedSet);
const verbose = process.env.VERBOSE === '1';
for (const argument of process.argv.slice(2)) {
  const options = JSON.parse(argument) as ClassifierOptions;
  const started = performance.now();
  const line: string[] = [argument];
  for (const strict of [false, true]) {
    const folds = leaveOneAuthorOut(sets, (examples) => createClassifier(examples, options), strict);
    const summary = authorSummary(folds);
    line.push(
      `${strict ? 'group' : 'set'}: mean ${pct(summary.meanAccuracy)}/${pct(summary.meanUnder)} fresh ${pct(summary.freshAccuracy)}/${pct(summary.freshUnder)} min ${pct(summary.minAccuracy)} maxU ${pct(summary.maxUnder)} [${folds.map((fold) => `${fold.name.split('/')[1].replace('independent', 'ind').replace('fresh-', 'f')} ${pct(fold.evaluation.accuracy)}/${pct(fold.evaluation.underRouting)}`).join(' ')}]`,
    );
    if (verbose && !strict) {
      for (const fold of folds) for (const p of fold.evaluation.predictions) if (p.predicted !== p.task.tier) console.log(`  ${fold.name} ${p.task.tier}->${p.predicted}: ${p.task.text.slice(0, 150)} | ${p.reason}`);
    }
  }
  line.push(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(line.join('\n  '));
}
