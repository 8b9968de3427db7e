/**
 * The bill over a month of 1M ledger rows: `billFor(month)` reads the `call_totals` rollup,
 * so it should take well under 100 ms; the baseline is `SELECT count(*) FROM calls`, the
 * cheapest possible look at the ledger itself. Run alone: `node --import tsx bench/bill.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { allPass, figureTable, format, type BenchEntry, type FigureRow } from './entry.ts';
import { billFor } from '../memory/bill.ts';
import { callParameters, insertCallStatement } from '../memory/ledger.ts';
import { openStore } from '../memory/store.ts';

const BIN = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));

export interface BillBenchResult {
  /** `switchboard bill --month ... --json` as a process, median of 5. */
  commandMedianMs: number;
  /** `switchboard bill --help` as a process: the CLI's own start-up. */
  startupMedianMs: number;
  rows: number;
  insertSeconds: number;
  insertRowsPerSecond: number;
  rollupRows: number;
  billMedianMs: number;
  countMedianMs: number;
  targetMs: number;
  withinTarget: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(action: () => unknown): number {
  const started = performance.now();
  action();
  return performance.now() - started;
}

export async function benchBill(options: { rows?: number; runs?: number } = {}): Promise<BillBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const runs = options.runs ?? 9;
  const directory = mkdtempSync(join(tmpdir(), 'sb-bench-bill-'));
  const db = openStore(join(directory, 'switchboard.db'));
  try {
    const tiers = ['orchestration', 'execution', 'reasoning', 'large-context'];
    const jobs = ['briefing', 'digest', 'research', 'code-review', undefined];
    const models = [
      ['openai', 'gpt-4o-mini'],
      ['anthropic', 'claude-haiku'],
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude-sonnet'],
      ['openai', 'o1'],
      ['anthropic', 'claude-opus'],
      ['openai', 'gpt-4.1'],
    ];
    const insert = insertCallStatement(db);
    const monthStart = Date.UTC(2025, 5, 1);
    const insertSeconds =
      timeMs(() =>
        db.transaction(() => {
          for (let index = 0; index < rows; index++) {
            const [provider, model] = models[index % models.length];
            insert.run(
              callParameters({
                startedAt: new Date(monthStart + ((index * 2_591) % (30 * 86_400)) * 1000),
                tier: tiers[index % tiers.length],
                provider,
                model,
                usage: { inputTokens: 1_000 + (index % 500), cachedInputTokens: index % 300, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 0 },
                costUsd: 0.0005 + (index % 7) * 0.0001,
                flagshipCostUsd: 0.02,
                latencyMs: 800,
                outcome: index % 50 === 0 ? 'error' : 'ok',
                errorKind: index % 50 === 0 ? 'rate_limited' : undefined,
                simulated: false,
                job: jobs[index % jobs.length],
              }),
            );
          }
        })(),
      ) / 1000;
    const rollupRows = db.prepare('SELECT count(*) FROM call_totals').pluck().get() as number;
    const billTimes: number[] = [];
    const countTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      billTimes.push(timeMs(() => billFor(db, { period: 'month', date: '2025-06' })));
      countTimes.push(timeMs(() => db.prepare('SELECT count(*) FROM calls').pluck().get()));
    }
    const bill = billFor(db, { period: 'month', date: '2025-06' });
    if (bill.totals.calls !== rows) throw new Error(`bill counted ${bill.totals.calls} calls, expected ${rows}`);
    const billMedianMs = median(billTimes);
    // The command as a user runs it, against the same process started for a command that
    // opens no ledger: the difference is what the bill adds to `switchboard` itself.
    const cli = (...args: string[]) => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [BIN, '--data-dir', directory, ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`switchboard ${args.join(' ')} failed: ${result.stderr}`);
      return performance.now() - started;
    };
    const commandTimes: number[] = [];
    const startupTimes: number[] = [];
    for (let run = 0; run < 5; run++) {
      commandTimes.push(cli('bill', '--month', '2025-06', '--json'));
      startupTimes.push(cli('bill', '--help'));
    }
    return {
      rows,
      insertSeconds,
      insertRowsPerSecond: Math.round(rows / insertSeconds),
      rollupRows,
      billMedianMs,
      countMedianMs: median(countTimes),
      targetMs: 100,
      withinTarget: billMedianMs < 100,
      commandMedianMs: median(commandTimes),
      startupMedianMs: median(startupTimes),
    };
  } finally {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export const benchEntry: BenchEntry = {
  name: 'bill',
  target: 'the bill for a month over 1M ledger rows < 100 ms',
  async run({ quick }) {
    const result = await benchBill(quick ? { rows: 100_000, runs: 5 } : {});
    const rows: FigureRow[] = [
      { figure: `bill for the month (${format(result.rows, 0)} rows, median of runs)`, value: `${format(result.billMedianMs)} ms`, baseline: `${format(result.countMedianMs)} ms`, ratio: result.billMedianMs / result.countMedianMs, target: '< 100 ms', pass: result.withinTarget },
      {
        figure: '`switchboard bill --month` as a command, less the CLI start-up (median of 5)',
        value: `${format(result.commandMedianMs - result.startupMedianMs)} ms`,
        baseline: `${format(result.startupMedianMs)} ms start-up`,
        target: '< 100 ms',
        pass: result.commandMedianMs - result.startupMedianMs < 100,
      },
      { figure: 'ledger inserts (one transaction)', value: `${format(result.insertRowsPerSecond, 0)} rows/s` },
      { figure: 'rollup rows read by the bill', value: format(result.rollupRows, 0) },
    ];
    return {
      lines: [
        ...figureTable(rows),
        '',
        'Baselines: `SELECT count(*) FROM calls` on the same database; for the command, `switchboard bill --help` (the same process and modules, no config or ledger).',
      ],
      passed: allPass(rows),
    };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchBill();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
