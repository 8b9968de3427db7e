import { accessSync, constants } from 'node:fs';
import type { Command } from 'commander';
import { findConfig, loadConfig } from '../../../config/load.ts';
import { openStore } from '../../../memory/store.ts';
import { readTrace, replayTrace, repriceLedger, TraceError, type ReplayDecision, type ReplayReport, type RepriceReport } from '../../replay.ts';
import { TIERS } from '../../../contracts/types.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, resolveDataDir, type GlobalOptions } from '../context.ts';
import { billBaselines, UnknownBaselineError } from '../../bill-baselines.ts';
import { resolveModels } from '../../runtime.ts';
import { baselineLines } from '../baseline-lines.ts';
import type { Config } from '../../../config/schema.ts';
import type { Baseline } from '../../../memory/bill.ts';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';

const usd = (value: number) => `$${value.toFixed(value < 1 ? 6 : 4)}`;
const ratio = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)}×`);

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("run a day's trace through router, simulator and a temporary ledger, and print the bill; or re-price the recorded ledger under another config")
    .argument('[trace]', 'JSONL trace: one {"task", "input_tokens", "output_tokens"} per line')
    .option('--from-ledger', "re-price the recorded ledger (this data dir's) under --config, calling no model")
    .option('--month <YYYY-MM>', 'with --from-ledger: only this month')
    .option('--baseline <model>', 'also compare against every call on this model (a model id from the config)')
    .option('--json', 'print one JSON object')
    .action(async (trace: string | undefined, options: { fromLedger?: boolean; month?: string; json?: boolean; baseline?: string }) => {
      const globals = program.opts<GlobalOptions>();
      if (options.fromLedger) {
        if (trace) throw new CliError('replay: give either a trace file or --from-ledger, not both', EXIT_BAD_INPUT);
        if (options.month && !/^\d{4}-\d{2}$/.test(options.month)) throw new CliError(`--month: expected YYYY-MM, found "${options.month}"`, EXIT_BAD_INPUT);
        const loaded = loadConfig(findConfig(globals.config), process.env, { secrets: 'deferred' });
        const databasePath = resolve(resolveDataDir(globals, process.env), 'switchboard.db');
        if (!existsSync(databasePath)) throw new CliError(`replay --from-ledger: no ledger at ${databasePath} (set --data-dir)`, EXIT_BAD_INPUT);
        const db = openStore(databasePath);
        try {
          const report = await repriceLedger(db, loaded.config, { month: options.month }, baselinesFor(loaded.config, options.baseline));
          process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReprice(report, loaded.source.path));
        } finally {
          db.close();
        }
        return;
      }
      if (!trace) throw new CliError('replay: give a trace file (JSONL) or --from-ledger', EXIT_BAD_INPUT);
      try {
        accessSync(trace, constants.R_OK);
      } catch (error) {
        throw new CliError(`replay: cannot read ${trace}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, EXIT_BAD_INPUT);
      }
      const context = loadContext(globals, process.env, { secrets: 'deferred' });
      // The trace is read and the decisions written as they go: memory is flat in the number of tasks.
      // A bad line found mid-way ends the replay with exit 2 and no report (the JSON is left unclosed).
      let first = true;
      const onDecision = options.json
        ? (decision: ReplayDecision) => {
            process.stdout.write(`${first ? '{\n  "decisions": [\n' : ',\n'}    ${JSON.stringify(decision)}`);
            first = false;
          }
        : () => {};
      let report: ReplayReport;
      try {
        report = await replayTrace(context.config, readTrace(trace), { onDecision, baselines: baselinesFor(context.config, options.baseline) });
      } catch (error) {
        if (error instanceof TraceError) throw new CliError(`replay: ${error.message}`, EXIT_BAD_INPUT);
        throw error;
      }
      if (!options.json) {
        process.stdout.write(formatReplay(report));
        return;
      }
      const summary = JSON.stringify(report, null, 2).slice(1);
      process.stdout.write(`${first ? '{\n  "decisions": [' : '\n  '}],${summary}\n`);
    });
}

/** The flagship, the execution tier's first model and `named`; exit 2 for a model the config lacks. */
function baselinesFor(config: Config, named: string | undefined): Baseline[] {
  try {
    return billBaselines(config, resolveModels(config), named);
  } catch (error) {
    if (error instanceof UnknownBaselineError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
}

function formatReplay(report: ReplayReport): string {
  const rows = TIERS.filter((tier) => report.byTier[tier].tasks > 0).map(
    (tier) => `  ${tier.padEnd(14)} ${String(report.byTier[tier].tasks).padStart(6)}  ${usd(report.byTier[tier].costUsd).padStart(12)}  ${usd(report.byTier[tier].flagshipCostUsd).padStart(12)}`,
  );
  return [
    `replayed ${report.tasks} tasks (simulated: every call went to the provider simulator)`,
    `  ${'tier'.padEnd(14)} ${'tasks'.padStart(6)}  ${'routed'.padStart(12)}  ${`on ${report.flagship}`.padStart(12)}`,
    ...rows,
    `routed cost:   ${usd(report.routedCostUsd)}`,
    `on flagship:   ${usd(report.flagshipCostUsd)} (${report.flagship})`,
    ...(report.savingsUsd >= 0
      ? [`savings:       ${usd(report.savingsUsd)}, ${report.percentSaved === null ? 'n/a' : `${report.percentSaved.toFixed(1)}%`} (${ratio(report.savingsRatio)} cheaper)`]
      : [`premium:       routing cost ${usd(-report.savingsUsd)} more than the flagship`]),
    ...(report.baselines.length ? ['routed cost against each baseline (simulated):', ...baselineLines(report.baselines, usd, 'simulated').map((line) => `  ${line}`)] : []),
    '',
  ].join('\n');
}

function formatReprice(report: RepriceReport, configPath: string): string {
  return [
    `re-priced ${report.calls} recorded calls under ${configPath} (no model called)`,
    ...TIERS.filter((tier) => report.byTier[tier].tasks > 0).map((tier) => `  ${tier.padEnd(14)} ${String(report.byTier[tier].tasks).padStart(6)} calls  ${usd(report.byTier[tier].costUsd)}`),
    `recorded cost:   ${usd(report.originalCostUsd)}`,
    `under this policy: ${usd(report.repricedCostUsd)} (${report.moved} calls change tier)`,
    `on flagship:     ${usd(report.flagshipCostUsd)} (${report.flagship}); ${report.repricedCostUsd <= report.flagshipCostUsd ? `${ratio(report.savingsRatio)} cheaper` : 'routing costs more'}`,
    ...(report.baselines.length ? ['re-priced cost against each baseline (same recorded usage):', ...baselineLines(report.baselines, usd).map((line) => `  ${line}`)] : []),
    '',
  ].join('\n');
}
