/**
 * Routing latency: time per `decideTierSync` decision over the texts of one training set, next to a
 * baseline (lower-casing and splitting the same texts) measured in the same run, so the ratio
 * stays meaningful on a noisy machine; and the first free-text decision of a process, which
 * loads the shipped classifier (agent/router/model/) before it classifies.
 *
 *   node --import tsx bench/routing-latency.ts
 */
import { pathToFileURL } from 'node:url';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';
import { loadTaskSet } from '../agent/router/classifier.ts';
import { loadShippedClassifier, readShippedModel } from '../agent/router/routing-model.ts';
import {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_LARGE_CONTEXT_THRESHOLD,
  DEFAULT_STEP_KINDS,
  decideTierSync,
  type RoutingTask,
} from '../agent/router/decide.ts';

/** Texts to time: a training set whose tasks span every tier and voice. */
const TIMED_SET_PATH = new URL('../agent/router/data/training/heldout-1.jsonl', import.meta.url);

export interface RoutingLatency {
  decisions: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  baselineP50Us: number;
  baselineP99Us: number;
  /** p99 of a decision over p99 of the baseline on the same texts. */
  p99Ratio: number;
  /** Loading the shipped classifier and its first decision, the first thing the process does. */
  firstDecisionMs: number;
  /** Of which loading (reading and checking the model file, building its table). */
  loadMs: number;
  /** Whether the shipped model was usable (else the load trained). */
  shippedModelUsed: boolean;
  /**
   * The machine's own tail: constant arithmetic as long as the median decision, timed the same
   * way. Its p99 is what interruptions alone (other tenants, the hypervisor) add to work that
   * long; the toLowerCase baseline is too short to be hit by them.
   */
  floorP50Us: number;
  floorP99Us: number;
}

/** Times `decisions` decisions (default 100,000) after a warm-up; no model is called. */
export async function benchRoutingLatency(decisions = 100_000): Promise<RoutingLatency> {
  const tasks: RoutingTask[] = loadTaskSet(TIMED_SET_PATH).map((task) => ({ text: task.text }));
  const shippedModelUsed = 'model' in readShippedModel();
  const loadStart = process.hrtime.bigint();
  const classifier = loadShippedClassifier();
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const options = {
    largeContextThreshold: DEFAULT_LARGE_CONTEXT_THRESHOLD,
    confidenceThreshold: DEFAULT_CONFIDENCE_THRESHOLD,
    kinds: { ...DEFAULT_STEP_KINDS },
    classifier,
  };
  decideTierSync(tasks[0], options);
  const firstDecisionMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

  let sink = 0;
  const decide = (task: RoutingTask): void => {
    sink += decideTierSync(task, options).tier.length;
  };
  const baseline = (task: RoutingTask): void => {
    sink += (task.text as string).toLowerCase().split(/\W+/).length;
  };

  for (let index = 0; index < 20_000; index++) {
    decide(tasks[index % tasks.length]);
    baseline(tasks[index % tasks.length]);
  }
  const decisionTimes = timeEach(decide, tasks, decisions);
  const baselineTimes = timeEach(baseline, tasks, decisions);
  if (sink === 0) throw new Error('unreachable: keeps the timed work from being optimised away');

  const decisionP99 = percentile(decisionTimes, 0.99);
  const baselineP99 = percentile(baselineTimes, 0.99);
  const floorTimes = timeConstantWork(percentile(decisionTimes, 0.5), Math.min(decisions, 50_000));
  return {
    decisions,
    p50Us: percentile(decisionTimes, 0.5),
    p99Us: decisionP99,
    maxUs: decisionTimes[decisionTimes.length - 1],
    baselineP50Us: percentile(baselineTimes, 0.5),
    baselineP99Us: baselineP99,
    p99Ratio: decisionP99 / baselineP99,
    firstDecisionMs,
    loadMs,
    shippedModelUsed,
    floorP50Us: percentile(floorTimes, 0.5),
    floorP99Us: percentile(floorTimes, 0.99),
  };
}

/** Runs `work` `count` times over `tasks` in turn; returns the times in µs, sorted. */
function timeEach(work: (task: RoutingTask) => void, tasks: RoutingTask[], count: number): Float64Array {
  const times = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const task = tasks[index % tasks.length];
    const start = process.hrtime.bigint();
    work(task);
    times[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return times.sort();
}

/** Times `count` runs of a loop of integer arithmetic calibrated to last about `microseconds`; sorted µs. */
function timeConstantWork(microseconds: number, count: number): Float64Array {
  let state = 1;
  const work = (steps: number): void => {
    for (let step = 0; step < steps; step++) state = (Math.imul(state, 1103515245) + 12345) | 0;
  };
  let steps = 1000;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let run = 0; run < 200; run++) work(steps);
    const perRun = Number(process.hrtime.bigint() - start) / 1000 / 200;
    steps = Math.max(1, Math.round((steps * microseconds) / perRun));
  }
  const times = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    work(steps);
    times[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  if (state === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return times.sort();
}

function percentile(sortedTimes: Float64Array, fraction: number): number {
  return sortedTimes[Math.min(sortedTimes.length - 1, Math.floor(sortedTimes.length * fraction))];
}

export const benchEntry: BenchEntry = {
  name: 'routing-latency',
  target: 'routing decision p99 < 50 µs',
  async run({ quick }) {
    const result = await benchRoutingLatency(quick ? 10_000 : 100_000);
    const rows: FigureRow[] = [
      { figure: `decision p50 (${format(result.decisions, 0)} decisions)`, value: `${format(result.p50Us)} µs`, baseline: `${format(result.baselineP50Us)} µs`, ratio: result.p50Us / result.baselineP50Us },
      { figure: 'decision p99', value: `${format(result.p99Us)} µs`, baseline: `${format(result.baselineP99Us)} µs`, ratio: result.p99Ratio, target: '< 50 µs', pass: result.p99Us < 50 },
      { figure: 'decision max', value: `${format(result.maxUs)} µs` },
      {
        figure: 'machine floor: constant work as long as the p50 decision, p50 / p99',
        value: `${format(result.floorP50Us)} µs / ${format(result.floorP99Us)} µs`,
      },
      {
        figure: `first free-text decision: load ${result.shippedModelUsed ? 'the shipped model' : '(model file stale: training)'} + classify`,
        value: `${format(result.firstDecisionMs, 1)} ms`,
        baseline: `${format(result.loadMs, 1)} ms load`,
      },
    ];
    return {
      lines: [
        ...figureTable(rows),
        '',
        'Baseline: lower-casing and splitting the same texts; for the first decision, the load alone (model file read, checked against the training sets, table built).',
        'Machine floor: what interruptions alone add to work as long as a decision (too short to show in the baseline).',
      ],
      passed: allPass(rows),
    };
  },
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchRoutingLatency();
  const format = (value: number): string => value.toFixed(2);
  console.log(`first free-text decision ${format(result.firstDecisionMs)} ms, of which load ${format(result.loadMs)} ms (${result.shippedModelUsed ? 'shipped model' : 'model file stale: trained'})`);
  console.log(`${result.decisions.toLocaleString('en-US')} decisions over the texts of one training set`);
  console.log(`decision: p50 ${format(result.p50Us)} µs, p99 ${format(result.p99Us)} µs, max ${format(result.maxUs)} µs`);
  console.log(`baseline (toLowerCase + split): p50 ${format(result.baselineP50Us)} µs, p99 ${format(result.baselineP99Us)} µs`);
  console.log(`p99 ratio decision / baseline: ${format(result.p99Ratio)}x`);
  console.log(`machine floor (constant work as long as the p50 decision): p50 ${format(result.floorP50Us)} µs, p99 ${format(result.floorP99Us)} µs`);
}
