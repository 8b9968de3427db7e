/**
 * `switchboard bill`: what a day or month of model calls cost, by tier, job and model, and
 * what routing saved against sending every call to the flagship model.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { billFor, type Baseline, type BaselineComparison, type Bill, type BillLine, type BillPeriod } from '../../../memory/bill.ts';
import { dayIn, useLedgerTimeZone } from '../../../memory/ledger-days.ts';
import { ownerTimeZone } from '../../../config/owner-time-zone.ts';
import { billBaselines, tierAbovePricer, UnknownBaselineError } from '../../bill-baselines.ts';
import { resolveModels } from '../../runtime.ts';
import { openStore } from '../../../memory/store.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type GlobalOptions } from '../context.ts';
import { BASELINE_ROLE, verdict } from '../baseline-lines.ts';

interface BillOptions {
  today?: boolean;
  day?: string;
  month?: string;
  json?: boolean;
}

/** The period the options ask for; the current month in `timeZone` when none. Throws `CliError` (exit 2) on bad input. */
export function billPeriodFromOptions(options: BillOptions, now: Date = new Date(), timeZone = 'UTC'): BillPeriod {
  const chosen = [options.today, options.day, options.month].filter((value) => value !== undefined && value !== false);
  if (chosen.length > 1) throw new CliError('bill: give only one of --today, --day, --month', EXIT_BAD_INPUT);
  if (options.day !== undefined) {
    if (!isRealDate(options.day)) throw new CliError(`bill --day: expected YYYY-MM-DD, got "${options.day}"`, EXIT_BAD_INPUT);
    return { period: 'day', date: options.day };
  }
  if (options.month !== undefined) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) {
      throw new CliError(`bill --month: expected YYYY-MM, got "${options.month}"`, EXIT_BAD_INPUT);
    }
    return { period: 'month', date: options.month };
  }
  const today = dayIn(now, timeZone);
  return options.today ? { period: 'day', date: today } : { period: 'month', date: today.slice(0, 7) };
}

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** USD with enough decimals that small sums do not read as zero: 2 above $100, 4 above $0.01, else 6. */
export function formatUsd(amount: number): string {
  const magnitude = Math.abs(amount);
  const decimals = magnitude >= 100 ? 2 : magnitude >= 0.01 || magnitude === 0 ? 4 : 6;
  return `$${amount.toFixed(decimals)}`;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Rows of cells as aligned columns: the first column left-aligned, the rest right-aligned. */
export function alignTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '))
    .join('\n');
}

/** One breakdown; the per-row flagship column (frozen at call time) only when no bill-time baseline replaces it. */
function section(title: string, lines: BillLine[], frozenFlagship = true): string {
  const header = [title, 'calls', 'failed', 'input', 'cached', 'output', 'cost', 'flagship'].slice(0, frozenFlagship ? 8 : 7);
  const body = lines.map((line) => [
    line.key,
    formatCount(line.calls),
    formatCount(line.failedCalls),
    formatCount(line.inputTokens),
    formatCount(line.cachedInputTokens),
    formatCount(line.outputTokens),
    formatUsd(line.costUsd),
    formatUsd(line.flagshipCostUsd),
  ].slice(0, frozenFlagship ? 8 : 7));
  return alignTable([header, ...body]);
}

/** The prompt-caching line, with the token counts it is computed from. */
function promptCachingRows(bill: Bill): string[][] {
  const caching = bill.promptCaching;
  const tokens = caching.cachedInputTokens + caching.cacheWriteTokens === 0 ? 'no cached input' : `${formatCount(caching.cachedInputTokens)} cached input, ${formatCount(caching.cacheWriteTokens)} cache-write tokens`;
  const amount = caching.savedUsd < 0 ? `cost ${formatUsd(-caching.savedUsd)} more (cache writes not yet repaid)` : formatUsd(caching.savedUsd);
  return [['Saved by prompt caching', `${amount}  (${tokens})`]];
}

/** Escalations avoided and made, as defined in memory/bill.ts `EscalationLines`. */
function escalationRows(bill: Bill): string[][] {
  const { avoided, made, priced } = bill.escalations;
  const rows: string[][] = [];
  if (avoided.steps > 0) {
    const steps = `${formatCount(avoided.steps)} checked step${avoided.steps === 1 ? '' : 's'} passed on their tier`;
    if (!priced) rows.push(['Escalations avoided', steps]);
    else if (avoided.savedUsd >= 0) rows.push(['Saved by escalations avoided', `${formatUsd(avoided.savedUsd)}  (${steps}: ${formatUsd(avoided.routedCostUsd)} vs ${formatUsd(avoided.tierAboveCostUsd)} on the tier above)`]);
    else rows.push(['Escalations avoided', `${steps}; the tier above would have cost ${formatUsd(-avoided.savedUsd)} less (${formatUsd(avoided.tierAboveCostUsd)} vs ${formatUsd(avoided.routedCostUsd)})`]);
  } else {
    rows.push(['Escalations avoided', 'none (no checked step in this period)']);
  }
  if (made.steps > 0) {
    rows.push(['Escalations made', `${formatCount(made.steps)} step${made.steps === 1 ? '' : 's'} re-run a tier up: failed answers ${formatUsd(made.failedAnswersCostUsd)}, re-runs ${formatUsd(made.reRunCostUsd)}`]);
  }
  return rows;
}

/** The human bill, as printed by `switchboard bill`. */
export function renderBill(bill: Bill, flagship?: string): string {
  const parts: string[] = [];
  const simulated = bill.includesSimulated ? ' (includes simulated calls)' : '';
  parts.push(`Bill for ${bill.period === 'day' ? 'day' : 'month'} ${bill.label} (${bill.timeZone})${simulated}`);
  const events = bill.budgetEvents;
  const capLines =
    events.downgrades + events.deferrals + events.overruns > 0
      ? ['', `Budget caps acted: ${events.downgrades} downgraded, ${events.deferrals} deferred${events.overruns > 0 ? `, ${events.overruns} went over by $${events.overUsd.toFixed(4)}` : ''}`, ...events.lines.map((line) => `  ${line}`)]
      : [];
  if (bill.totals.calls === 0) {
    parts.push('No calls in this period.', ...capLines);
    return `${parts.join('\n')}\n`;
  }
  const savings = bill.savings;
  const against: string[][] =
    bill.baselines.length > 0
      ? bill.baselines.map((baseline) => [`Same calls all on ${baseline.model} (${BASELINE_ROLE[baseline.role]})`, `${formatUsd(baseline.baselineCostUsd)}  ${verdict(baseline, formatUsd)}`])
      : [
          [`Same tokens on the flagship${flagship ? ` (${flagship})` : ''}`, formatUsd(savings.flagshipCostUsd)],
          [
            'Saved by routing',
            savings.percentSaved === null
              ? 'n/a'
              : `${savings.percentSaved.toFixed(1)}% (flagship costs ${savings.ratio === null ? 'n/a' : `${savings.ratio.toFixed(2)}x`})`,
          ],
        ];
  parts.push(
    alignTable([
      ['Spent', formatUsd(bill.totals.costUsd)],
      ...against,
      ...promptCachingRows(bill),
      ...escalationRows(bill),
      ['Calls', `${formatCount(bill.totals.calls)} (${formatCount(bill.totals.failedCalls)} failed)`],
    ]),
  );
  for (const baseline of bill.baselines) {
    if (baseline.savedUsd >= 0 || baseline.premium.length === 0) continue;
    parts.push('', `Routing cost ${formatUsd(-baseline.savedUsd)} more than all on ${baseline.model}; the premium bought:`);
    for (const line of baseline.premium) {
      parts.push(`  ${line.tier} for ${line.job}: ${formatCount(line.calls)} call${line.calls === 1 ? '' : 's'}, ${formatUsd(line.routedCostUsd)} routed vs ${formatUsd(line.baselineCostUsd)} on ${baseline.model}`);
    }
  }
  const frozen = bill.baselines.length === 0;
  parts.push('', section('tier', bill.byTier, frozen), '', section('job', bill.byJob, frozen), '', section('model', bill.byModel, frozen), ...capLines);
  if (bill.includesSimulated) parts.push('', `${formatCount(bill.simulatedCalls)} of these calls were simulated: their cost is what a real provider would have charged.`);
  return `${parts.join('\n')}\n`;
}

/** Registers `switchboard bill [--today|--day YYYY-MM-DD|--month YYYY-MM] [--json]`. */
export function registerBillCommand(program: Command): void {
  program
    .command('bill')
    .description('what model calls cost for a day or month, by tier, job and model, and what routing saved')
    .option('--today', "bill today (the owner's day, config `timezone`)")
    .option('--day <date>', "bill one day, YYYY-MM-DD (in the owner's time zone)")
    .option('--month <month>', 'bill one month, YYYY-MM (default: this month)')
    .option('--baseline <model>', 'also compare against every call on this model (a model id from the config)')
    .option('--json', 'print the bill as JSON')
    .action((options: BillOptions & { baseline?: string }) => {
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
      const timeZone = ownerTimeZone(context.config);
      const period = billPeriodFromOptions(options, new Date(), timeZone);
      const models = resolveModels(context.config);
      let baselines: Baseline[];
      try {
        baselines = billBaselines(context.config, models, options.baseline);
      } catch (error) {
        if (error instanceof UnknownBaselineError) throw new CliError(error.message, EXIT_BAD_INPUT);
        throw error;
      }
      const store = openStore(existsSync(context.databasePath) ? context.databasePath : ':memory:');
      try {
        // The ledger counts the owner's days (config `timezone`, validated at load): a changed zone re-counts it once.
        useLedgerTimeZone(store, timeZone);
        const bill = billFor(store, period, baselines, { tierAbove: tierAbovePricer(context.config, models) });
        if (options.json) process.stdout.write(`${JSON.stringify({ ...bill, flagship: context.config.flagship }, null, 2)}\n`);
        else process.stdout.write(`${renderBill(bill, context.config.flagship).trimEnd()}\n`);
      } finally {
        store.close();
      }
    });
}
