/**
 * `switchboard market`: the watchlist report now. Figures alone need only the database (the
 * price cache); the snapshot and the analysis need the router from `services` (wired by main.ts).
 */
import type { Command } from 'commander';
import { openStore } from '../../../memory/store.ts';
import { marketRequestFromOptions, runMarketReport } from '../../../skills/market/index.ts';
import { PriceDataError } from '../../../skills/market/ohlcv-csv.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type GlobalOptions } from '../context.ts';
import type { CommandServices } from './code.ts';
import { terminalSafe } from '../safe-output.ts';

interface MarketCommandOptions {
  figuresOnly?: boolean;
  deep: boolean;
  symbol?: string[];
  json?: boolean;
}

export function registerMarketCommand(program: Command, services?: CommandServices): void {
  program
    .command('market')
    .description('print the watchlist report: figures computed in code, a snapshot and a deeper analysis')
    .option('--figures-only', 'compute and print the figures; no model call')
    .option('--no-deep', 'skip the deep analysis (reasoning tier)')
    .option('--symbol <symbol...>', 'override the watchlist')
    .option('--json', 'print the report as JSON')
    .action(async (options: MarketCommandOptions) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const jobOptions: Record<string, unknown> = { deepAnalysis: options.deep };
      if (options.symbol) jobOptions.watchlist = options.symbol;
      let request;
      try {
        request = marketRequestFromOptions(jobOptions, context.config.skills.market ?? {}, 'manual-market');
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      if (!options.figuresOnly && !services) {
        throw new CliError('the market command has no model router wired in this build: use --figures-only', EXIT_FAILURE);
      }
      const opened = options.figuresOnly ? undefined : await services?.open(context);
      const db = openStore(context.databasePath);
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        const report = await runMarketReport({ router: opened?.router, db, logger: opened?.logger }, request, controller.signal);
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : terminalSafe(`${report.text}\n`));
      } catch (error) {
        if (error instanceof PriceDataError) throw new CliError(error.message, EXIT_FAILURE);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        db.close();
        await opened?.close();
      }
    });
}
