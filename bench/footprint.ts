/**
 * Daemon footprint: start-to-ready time (median of 5 spawns of `switchboard start`, until the
 * `daemon-ready` line), idle RSS and CPU time with ten jobs scheduled, against a bare
 * `node -e "setInterval(()=>{},1e9)"` baseline. Targets: ready < 1 s, RSS < 100 MB, ~0 CPU idle.
 * Idle CPU is read over two windows: the first after start (shown; it holds the garbage
 * collections V8 runs once start-up's allocations stop) and the next one (judged: the idle a
 * daemon running for weeks has), each beside node-cron alone over the same window.
 * The daemon runs from the compiled build (.build/, `npm run build`) when it is current, as
 * bin/switchboard.js would; the start-to-ready time through tsx (SWITCHBOARD_TSX=1) is
 * measured beside it.
 *
 *   node --import tsx bench/footprint.ts [--quick]   (--quick: two 5 s idle windows instead of 60 s)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildIsCurrent } from './build-state.ts';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'switchboard.js');
const CLOCK_TICKS = 100;

function writeTenJobs(dir: string): string {
  const path = join(dir, 'config.yaml');
  const jobs = Array.from({ length: 10 }, (_, index) =>
    `  job-${index}:\n    schedule: "${index} 3 * * *"\n    skill: command\n    options: { command: ["true"] }`,
  ).join('\n');
  writeFileSync(
    path,
    `version: 1\nlog: { level: info }\nproviders: { p: { api: openai, keyless: true } }\nmodels: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }\ntiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }\nflagship: gpt-5.6-sol\njobs:\n${jobs}\n`,
  );
  return path;
}

function waitFor(child: ChildProcess, pattern: RegExp | null): Promise<number> {
  const started = performance.now();
  if (!pattern) return new Promise((done) => child.once('spawn', () => done(performance.now() - started)));
  return new Promise((done, fail) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) done(performance.now() - started);
    });
    child.once('exit', (code) => fail(new Error(`exited ${code} before ready: ${text}`)));
  });
}

function procStats(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMb: rssKb / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

export interface FootprintFigures {
  /** 'compiled' when .build/ is current, else 'tsx'. */
  entry: 'compiled' | 'tsx';
  readyMsMedian: number;
  /** The same through tsx (SWITCHBOARD_TSX=1). */
  tsxReadyMsMedian: number;
  baselineStartMsMedian: number;
  idleSeconds: number;
  rssMb: number;
  baselineRssMb: number;
  idleCpuSeconds: number;
  baselineIdleCpuSeconds: number;
  /** CPU of a process that only schedules the same ten cron expressions with node-cron: the timers' own cost. */
  cronBaselineIdleCpuSeconds: number;
  /** CPU over the next window of the same length: the steady idle, start-up's collections behind it. */
  steadyIdleCpuSeconds: number;
  cronBaselineSteadyCpuSeconds: number;
}

/** A node process that does nothing but schedule the same ten expressions with node-cron. */
function spawnCronOnly(): ChildProcess {
  const script = [
    "import cron from 'node-cron';",
    'for (let index = 0; index < 10; index++) cron.schedule(`${index} 3 * * *`, () => {}, { name: `job-${index}` });',
    "process.stdout.write('x');",
  ].join('\n');
  return spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
}

export async function measureFootprint(options: { quick?: boolean } = {}): Promise<FootprintFigures> {
  const idleSeconds = options.quick ? 5 : 60;
  const ready: number[] = [];
  const tsxReady: number[] = [];
  const baseline: number[] = [];
  const startDaemon = (dir: string, env: NodeJS.ProcessEnv = process.env) =>
    spawn(process.execPath, [BIN, '--config', writeTenJobs(dir), '--data-dir', join(dir, 'data'), 'start'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  for (let round = 0; round < 5; round++) {
    const child = startDaemon(mkdtempSync(join(tmpdir(), 'sb-bench-')));
    ready.push(await waitFor(child, /daemon-ready/));
    await stop(child);
    const viaTsx = startDaemon(mkdtempSync(join(tmpdir(), 'sb-bench-')), { ...process.env, SWITCHBOARD_TSX: '1' });
    tsxReady.push(await waitFor(viaTsx, /daemon-ready/));
    await stop(viaTsx);
    // The baseline has no ready line: measure until it has printed one byte after start.
    const bare = spawn(process.execPath, ['-e', 'process.stdout.write("x");setInterval(()=>{},1e9)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    baseline.push(await waitFor(bare, /x/));
    await stop(bare);
  }

  // The idle window starts once the daemon has finished starting: its ready line, then the
  // dashboard it serves after that line (its modules load after ready).
  const child = spawn(process.execPath, [BIN, '--config', writeTenJobs(mkdtempSync(join(tmpdir(), 'sb-bench-'))), '--data-dir', join(mkdtempSync(join(tmpdir(), 'sb-bench-')), 'data'), 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const dashboardUp = new Promise<void>((resolve) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      text += chunk.toString('utf8');
      if (/dashboard on |dashboard not served/.test(text)) resolve();
    });
  });
  const bare = spawn(process.execPath, ['-e', 'process.stdout.write("x");setInterval(()=>{},1e9)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cronOnly = spawnCronOnly();
  await Promise.all([waitFor(child, /daemon-ready/), waitFor(bare, /x/), waitFor(cronOnly, /x/)]);
  await Promise.race([dashboardUp, sleep(10_000)]);
  await sleep(1_000);
  const before = procStats(child.pid!);
  const bareBefore = procStats(bare.pid!);
  const cronBefore = procStats(cronOnly.pid!);
  await sleep(idleSeconds * 1000);
  const after = procStats(child.pid!);
  const bareAfter = procStats(bare.pid!);
  const cronAfter = procStats(cronOnly.pid!);
  // A second window of the same length: the daemon's steady idle, once the garbage collections
  // that follow its start (V8's memory reducer, in the first ~20 s) are behind it.
  await sleep(idleSeconds * 1000);
  const steady = procStats(child.pid!);
  const cronSteady = procStats(cronOnly.pid!);
  await Promise.all([stop(child), stop(bare), stop(cronOnly)]);
  return {
    entry: buildIsCurrent() ? 'compiled' : 'tsx',
    readyMsMedian: Math.round(median(ready)),
    tsxReadyMsMedian: Math.round(median(tsxReady)),
    baselineStartMsMedian: Math.round(median(baseline)),
    idleSeconds,
    rssMb: Math.round(after.rssMb * 10) / 10,
    baselineRssMb: Math.round(bareAfter.rssMb * 10) / 10,
    idleCpuSeconds: Math.round((after.cpuSeconds - before.cpuSeconds) * 100) / 100,
    baselineIdleCpuSeconds: Math.round((bareAfter.cpuSeconds - bareBefore.cpuSeconds) * 100) / 100,
    cronBaselineIdleCpuSeconds: Math.round((cronAfter.cpuSeconds - cronBefore.cpuSeconds) * 100) / 100,
    steadyIdleCpuSeconds: Math.round((steady.cpuSeconds - after.cpuSeconds) * 100) / 100,
    cronBaselineSteadyCpuSeconds: Math.round((cronSteady.cpuSeconds - cronAfter.cpuSeconds) * 100) / 100,
  };
}

export const benchEntry: BenchEntry = {
  name: 'footprint',
  target: 'start to ready < 1 s; idle RSS after a minute with ten jobs < 100 MB; ~0 CPU idle',
  async run({ quick }) {
    const result = await measureFootprint({ quick });
    const rows: FigureRow[] = [
      { figure: `start to ready (median of 5, ${result.entry})`, value: `${result.readyMsMedian} ms`, baseline: `${result.baselineStartMsMedian} ms`, ratio: result.readyMsMedian / result.baselineStartMsMedian, target: '< 1 s', pass: result.readyMsMedian < 1000 },
      { figure: 'start to ready through tsx (SWITCHBOARD_TSX=1)', value: `${result.tsxReadyMsMedian} ms`, baseline: `${result.baselineStartMsMedian} ms`, ratio: result.tsxReadyMsMedian / result.baselineStartMsMedian },
      { figure: `idle RSS after ${result.idleSeconds} s, ten jobs (${result.entry})`, value: `${format(result.rssMb, 1)} MB`, baseline: `${format(result.baselineRssMb, 1)} MB`, ratio: result.rssMb / result.baselineRssMb, target: '< 100 MB', pass: result.rssMb < 100 },
      {
        figure: `CPU time over those first ${result.idleSeconds} s (start-up's garbage collections included), against node-cron alone`,
        value: `${format(result.idleCpuSeconds)} s`,
        baseline: `${format(result.cronBaselineIdleCpuSeconds)} s`,
        ratio: result.cronBaselineIdleCpuSeconds > 0 ? result.idleCpuSeconds / result.cronBaselineIdleCpuSeconds : undefined,
      },
      {
        figure: `CPU time over the next ${result.idleSeconds} s (steady idle), against node-cron alone`,
        value: `${format(result.steadyIdleCpuSeconds)} s`,
        baseline: `${format(result.cronBaselineSteadyCpuSeconds)} s`,
        ratio: result.cronBaselineSteadyCpuSeconds > 0 ? result.steadyIdleCpuSeconds / result.cronBaselineSteadyCpuSeconds : undefined,
        target: 'nothing but timers: < 0.2% of a core',
        pass: result.steadyIdleCpuSeconds / result.idleSeconds < 0.002,
      },
    ];
    return {
      lines: [
        ...figureTable(rows),
        '',
        `Baselines, measured alongside: a bare \`node -e "setInterval(()=>{},1e9)"\` (start time, RSS; it used ${format(result.baselineIdleCpuSeconds)} s of CPU), and a node process that only schedules the same ten expressions with node-cron (CPU).`,
      ],
      passed: allPass(rows),
    };
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureFootprint({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
