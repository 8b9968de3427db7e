/**
 * What a call costs with a month of history, through the public entry point
 * (`openSwitchboard`, budgets on: daily and monthly total, tier and job caps that never bind,
 * so every call makes a real reservation). The same request goes to the loopback simulator
 * (a) straight through the openai SDK and (b) through the whole stack on a fresh database and
 * on one holding a heavy month (90,000 ledger rows over 30 days, all in the current month so
 * every monthly cap sees them), interleaved; sequentially and 16 calls at a time. Then the
 * budget reservation alone against 0 / 10k / 100k / 1M ledger rows in the month, beside the
 * month-summing query the reservation used to run (the baseline that grows).
 * Run alone: `node --import tsx bench/cost-at-scale.ts [--quick]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { openSwitchboard, type Switchboard } from 'switchboard';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';
import { fillMonth } from './month-ledger.ts';
import { openStore } from '../memory/store.ts';
import { backgroundCheckpoints } from '../memory/checkpointer.ts';
import { releaseReservation, reserveBudget, type BudgetCaps } from '../memory/budget.ts';
import { ledgerPeriod } from '../memory/ledger.ts';
import { startSimulator } from '../agent/simulator/simulator.ts';
import { benchColdStart, benchReplayRss } from './cli-and-replay.ts';
import { buildIsCurrent } from './build-state.ts';

interface Percentiles {
  p50Ms: number;
  p99Ms: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

const median = (values: number[]) => percentiles(values).p50Ms;

export interface OverheadFigures {
  calls: number;
  monthRows: number;
  sequential: { direct: Percentiles; fresh: Percentiles; month: Percentiles };
  concurrent: { direct: Percentiles; fresh: Percentiles; month: Percentiles };
}

export interface ReservationRow {
  monthRows: number;
  rollupRows: number;
  reserveMedianUs: number;
  /** The month-summing query the reservation ran before the running totals (same database). */
  summingMedianUs: number;
}

const CAPS = { total: 1_000_000, tiers: { execution: 1_000_000 }, jobs: { bench: 1_000_000 } };

export function settingsFor(baseURL: string) {
  return {
    providers: { sim: { api: 'openai', baseURL, apiKey: '${BENCH_KEY}' } },
    models: { small: { provider: 'sim', model: 'bench-model', contextWindow: 128_000, maxOutputTokens: 1_000, prices: [{ input: 0.15, output: 0.6 }], capabilities: {} } },
    tiers: { orchestration: ['small'], execution: ['small'], reasoning: ['small'], 'large-context': ['small'] },
    flagship: 'gpt-5.6-sol',
    budgets: { daily: CAPS, monthly: CAPS },
  };
}

export async function benchOverhead(options: { calls?: number; rounds?: number; monthRows?: number } = {}): Promise<OverheadFigures> {
  const calls = options.calls ?? 2_000;
  const rounds = options.rounds ?? 100;
  const monthRows = options.monthRows ?? 90_000;
  const simulator = await startSimulator();
  const directory = mkdtempSync(join(tmpdir(), 'sb-bench-scale-'));
  const opened: Switchboard[] = [];
  try {
    const monthPath = join(directory, 'month.db');
    const filler = openStore(monthPath);
    fillMonth(filler, ledgerPeriod(new Date()).month, monthRows);
    filler.close();
    const settings = settingsFor(simulator.openaiBaseURL);
    const fresh = await openSwitchboard({ config: settings, databasePath: join(directory, 'fresh.db'), env: { BENCH_KEY: 'sk-bench-0123456789' } });
    opened.push(fresh);
    const month = await openSwitchboard({ config: settings, databasePath: monthPath, env: { BENCH_KEY: 'sk-bench-0123456789' } });
    opened.push(month);
    const sdk = new OpenAI({ baseURL: simulator.openaiBaseURL, apiKey: 'sk-bench-0123456789', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    const runners = {
      direct: () => sdk.chat.completions.create({ model: 'bench-model', messages, max_tokens: 50 }),
      fresh: () => fresh.complete({ task: { tier: 'execution' }, request: { messages, maxOutputTokens: 50 }, origin: { job: 'bench' } }),
      month: () => month.complete({ task: { tier: 'execution' }, request: { messages, maxOutputTokens: 50 }, origin: { job: 'bench' } }),
    };
    type Name = keyof typeof runners;
    const names = Object.keys(runners) as Name[];
    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };

    const sequential: Record<Name, number[]> = { direct: [], fresh: [], month: [] };
    const warmup = Math.min(200, calls / 5);
    for (let index = 0; index < warmup + calls; index++) {
      // Interleaved, so drift in the machine's load touches all three alike.
      for (const name of names) {
        const elapsed = await timed(runners[name]);
        if (index >= warmup) sequential[name].push(elapsed);
      }
    }
    const concurrent: Record<Name, number[]> = { direct: [], fresh: [], month: [] };
    for (let round = 0; round < rounds + 5; round++) {
      for (const name of names) {
        const latencies = await Promise.all(Array.from({ length: 16 }, () => timed(runners[name])));
        if (round >= 5) concurrent[name].push(...latencies);
      }
    }
    const summary = (samples: Record<Name, number[]>) => ({ direct: percentiles(samples.direct), fresh: percentiles(samples.fresh), month: percentiles(samples.month) });
    return { calls, monthRows, sequential: summary(sequential), concurrent: summary(concurrent) };
  } finally {
    for (const switchboard of opened) await switchboard.close();
    await simulator.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

// The reservation's query before the running totals: one pass over the month's rollup rows.
const SUMMING_QUERY = `SELECT
  COALESCE(SUM(CASE WHEN day = @day THEN cost_usd END), 0), COALESCE(SUM(CASE WHEN day = @day AND tier = @tier THEN cost_usd END), 0),
  COALESCE(SUM(CASE WHEN day = @day AND job = @job THEN cost_usd END), 0), COALESCE(SUM(cost_usd), 0),
  COALESCE(SUM(CASE WHEN tier = @tier THEN cost_usd END), 0), COALESCE(SUM(CASE WHEN job = @job THEN cost_usd END), 0)
  FROM call_totals WHERE month = @month`;

export function benchReservations(sizes: number[], samples = 2_000): ReservationRow[] {
  const caps: BudgetCaps = { daily: { ...CAPS }, monthly: { ...CAPS } };
  const request = { day: '2026-06-15', month: '2026-06', tier: 'execution', job: 'bench', model: 'm', amountUsd: 0.001, createdAt: new Date('2026-06-15T12:00:00Z') };
  const databases = sizes.map((monthRows) => {
    const directory = mkdtempSync(join(tmpdir(), 'sb-bench-reserve-'));
    const db = openStore(join(directory, 'switchboard.db'));
    fillMonth(db, '2026-06', monthRows);
    // As on the daemon's connection: checkpoints in the worker (memory/checkpointer.ts).
    backgroundCheckpoints(db);
    const summing = db.prepare(SUMMING_QUERY);
    return { monthRows, directory, db, summing, reserveTimes: [] as number[], summingTimes: [] as number[], summingSamples: monthRows >= 100_000 ? 20 : 200 };
  });
  try {
    // Interleaved, a sample of each size in turn: drift in the machine's load and the JIT's warm-up touch every size alike.
    for (let index = 0; index < samples; index++) {
      for (const size of databases) {
        const started = performance.now();
        const result = reserveBudget(size.db, request, caps);
        size.reserveTimes.push((performance.now() - started) * 1000);
        if (result.ok) releaseReservation(size.db, result.reservationId);
        if (index < size.summingSamples) {
          const summingStarted = performance.now();
          size.summing.get({ day: request.day, month: request.month, tier: request.tier, job: request.job });
          size.summingTimes.push((performance.now() - summingStarted) * 1000);
        }
      }
    }
    return databases.map((size) => ({
      monthRows: size.monthRows,
      rollupRows: size.db.prepare("SELECT count(*) FROM call_totals WHERE month = '2026-06'").pluck().get() as number,
      reserveMedianUs: median(size.reserveTimes),
      summingMedianUs: median(size.summingTimes),
    }));
  } finally {
    for (const size of databases) {
      size.db.close();
      rmSync(size.directory, { recursive: true, force: true });
    }
  }
}

export const benchEntry: BenchEntry = {
  name: 'cost-at-scale',
  target:
    'added p50 < 0.3 ms with a month of history; 16 concurrent < 1 ms at p50; month/fresh < 1.3; reservation flat in the month; CLI cold start against `node -e 0`; replay RSS flat in the number of tasks',
  async run({ quick }) {
    const overhead = await benchOverhead(quick ? { calls: 300, rounds: 20 } : {});
    const reservations = benchReservations(quick ? [0, 10_000, 100_000] : [0, 10_000, 100_000, 1_000_000], quick ? 500 : 2_000);
    const coldStart = await benchColdStart(quick ? 3 : 5);
    const replay = await benchReplayRss(quick ? [1_000, 10_000] : [10_000, 100_000]);
    const replayGrowth = replay.at(-1)!.peakRssMb / Math.max(replay[0]!.peakRssMb, 1e-9);
    const ms = (value: number) => `${format(value, 3)} ms`;
    const pair = (value: Percentiles) => `${ms(value.p50Ms)} / ${ms(value.p99Ms)}`;
    const { sequential, concurrent } = overhead;
    const addedFresh = sequential.fresh.p50Ms - sequential.direct.p50Ms;
    const addedMonth = sequential.month.p50Ms - sequential.direct.p50Ms;
    const addedConcurrentFresh = concurrent.fresh.p50Ms - concurrent.direct.p50Ms;
    const addedConcurrentMonth = concurrent.month.p50Ms - concurrent.direct.p50Ms;
    const ratio = addedFresh > 0 ? addedMonth / addedFresh : Number.NaN;
    const flat = reservations.at(-1)!.reserveMedianUs / Math.max(reservations[0]!.reserveMedianUs, 1e-9);
    const rows: FigureRow[] = [
      { figure: `direct openai SDK p50 / p99 (${format(overhead.calls, 0)} calls)`, value: pair(sequential.direct) },
      { figure: 'full stack, fresh database p50 / p99', value: pair(sequential.fresh), baseline: ms(sequential.direct.p50Ms), ratio: sequential.fresh.p50Ms / sequential.direct.p50Ms },
      { figure: `full stack, month database (${format(overhead.monthRows, 0)} rows) p50 / p99`, value: pair(sequential.month), baseline: ms(sequential.direct.p50Ms), ratio: sequential.month.p50Ms / sequential.direct.p50Ms },
      { figure: 'added at p50, fresh database', value: ms(addedFresh) },
      { figure: 'added at p50, month database', value: ms(addedMonth), target: '< 0.3 ms', pass: addedMonth < 0.3 },
      { figure: 'added at p50, month / fresh', value: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a (fresh adds nothing measurable)', target: '< 1.3', pass: !Number.isFinite(ratio) || ratio < 1.3 || addedMonth < 0.05 },
      { figure: '16 concurrent: direct SDK p50 / p99', value: pair(concurrent.direct) },
      { figure: '16 concurrent: full stack, fresh p50 / p99', value: pair(concurrent.fresh), baseline: ms(concurrent.direct.p50Ms), ratio: concurrent.fresh.p50Ms / concurrent.direct.p50Ms },
      { figure: '16 concurrent: full stack, month p50 / p99', value: pair(concurrent.month), baseline: ms(concurrent.direct.p50Ms), ratio: concurrent.month.p50Ms / concurrent.direct.p50Ms },
      { figure: '16 concurrent: added at p50, fresh', value: ms(addedConcurrentFresh), target: '< 1 ms', pass: addedConcurrentFresh < 1 },
      { figure: '16 concurrent: added at p50, month', value: ms(addedConcurrentMonth), target: '< 1 ms', pass: addedConcurrentMonth < 1 },
      { figure: `reservation, ${format(reservations.at(-1)!.monthRows, 0)} rows / none in the month`, value: `${flat.toFixed(2)}×`, target: 'flat (< 1.5×)', pass: flat < 1.5 },
      { figure: `\`switchboard --help\` cold start (${buildIsCurrent() ? 'compiled build' : 'tsx: no current build'})`, value: ms(coldStart.helpMs), baseline: ms(coldStart.nodeMs), ratio: coldStart.helpMs / coldStart.nodeMs },
      { figure: '`switchboard status` cold start', value: ms(coldStart.statusMs), baseline: ms(coldStart.nodeMs), ratio: coldStart.statusMs / coldStart.nodeMs },
      ...replay.map((run) => ({ figure: `replay peak RSS, ${format(run.tasks, 0)} tasks (${format(run.seconds, 1)} s)`, value: `${format(run.peakRssMb, 0)} MB` })),
      // Judged on the full run only: a quick run's first length ends before the heap has settled.
      quick
        ? { figure: `replay peak RSS, ${format(replay.at(-1)!.tasks, 0)} / ${format(replay[0]!.tasks, 0)} tasks (quick: not judged)`, value: `${replayGrowth.toFixed(2)}×` }
        : { figure: `replay peak RSS, ${format(replay.at(-1)!.tasks, 0)} / ${format(replay[0]!.tasks, 0)} tasks`, value: `${replayGrowth.toFixed(2)}×`, target: 'flat (< 1.3×)', pass: replayGrowth < 1.3 },
    ];
    const table = [
      '| Ledger rows in the month | Rollup rows in the month | Reservation (median) | Month-summing query it replaced (median) |',
      '| ---: | ---: | ---: | ---: |',
      ...reservations.map((row) => `| ${format(row.monthRows, 0)} | ${format(row.rollupRows, 0)} | ${format(row.reserveMedianUs, 1)} µs | ${format(row.summingMedianUs, 1)} µs |`),
    ];
    return {
      lines: [
        ...figureTable(rows),
        '',
        'Through `openSwitchboard` (package entry point): tier set by the caller, breaker, budget caps (daily and monthly total, tier and job) admitted from the router\'s lease (memory/budget-lease.ts: one write transaction per attempt, the settlement), the openai provider, the ledger row; file databases in WAL mode; the same loopback simulator for every column, calls interleaved. Cold start: median of spawns of bin/switchboard.js and of `node -e 0`, interleaved; `status` on a data dir holding an empty database. Replay: `switchboard replay TRACE` with the shipped default config (simulator, temporary ledger), peak RSS from /proc (VmHWM).',
        '',
        ...table,
        '',
        'Reservation: `reserveBudget` + release on a file database whose month holds that many ledger rows (10 jobs and ad-hoc calls, 4 tiers, 6 models over 30 days), checkpoints in the worker as on the daemon\'s connection; the sizes are sampled in turn (interleaved); the baseline column is the month-summing query the reservation ran before running totals, on the same database.',
      ],
      passed: allPass(rows),
    };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const result = await benchEntry.run({ quick });
  process.stdout.write(`${result.lines.join('\n')}\n`);
}
