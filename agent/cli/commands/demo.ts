/**
 * `switchboard demo`: a compressed day on the shipped defaults with the provider simulator as
 * every model, then the bill. Writes only under `<data-dir>/demo`, which it wipes first.
 */
import type { Command } from 'commander';
import type { DemoImapAccount } from '../../demo/demo-config.ts';
import type { DemoReport } from '../../demo/run-demo-day.ts';
import { CliError, demoDataDir, EXIT_BAD_INPUT, EXIT_FAILURE, resolveDataDir, type GlobalOptions } from '../context.ts';
import { formatUsd, renderBill } from './bill.ts';

interface DemoCommandOptions {
  json?: boolean;
  imap?: string;
}

export const DEMO_IMAP_PASSWORD_ENV = 'SWITCHBOARD_DEMO_IMAP_PASSWORD';

/**
 * Parses `--imap host:port,user` (the password from $SWITCHBOARD_DEMO_IMAP_PASSWORD, never the
 * command line). Loopback only: the demo speaks plaintext IMAP. Throws `CliError` (exit 2).
 */
export function parseImapOption(value: string, env: NodeJS.ProcessEnv): DemoImapAccount {
  const match = /^([^:,]+):(\d+),(.+)$/.exec(value.trim());
  if (!match) throw new CliError(`demo --imap: expected host:port,user (e.g. 127.0.0.1:1143,alex), got "${value}"`, EXIT_BAD_INPUT);
  const [, host, port, user] = match;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new CliError(`demo --imap: ${host} is not loopback; the demo reads only a local test server (plaintext IMAP)`, EXIT_BAD_INPUT);
  }
  const password = env[DEMO_IMAP_PASSWORD_ENV];
  if (!password) throw new CliError(`demo --imap: set ${DEMO_IMAP_PASSWORD_ENV} to the password of ${user}`, EXIT_BAD_INPUT);
  return { host, port: Number(port), user, password };
}

/** The human report: one line per job, the bill, the savings ratio and the briefing. */
export function renderDemoReport(report: DemoReport): string {
  const lines = [
    'SIMULATED DEMO: every model answer below came from the built-in provider simulator; the costs are what real providers would have charged.',
    '',
    'A compressed day:',
  ];
  const width = Math.max(...report.jobs.map((job) => job.job.length));
  for (const job of report.jobs) {
    lines.push(`  ${job.status === 'succeeded' ? 'ok  ' : 'FAIL'} ${job.job.padEnd(width)}  ${job.summary.replace(/\s+/g, ' ').slice(0, 160)} [${formatUsd(job.costUsd)}]`);
  }
  lines.push('', `SIMULATED ${renderBill(report.bill, report.flagship).trimEnd()}`, '');
  const ratio = report.savingsRatio === null ? 'n/a' : `${report.savingsRatio.toFixed(2)}x`;
  lines.push(`Savings ratio: ${ratio} (the same calls on ${report.flagship} would cost ${ratio} what routing paid; simulated)`);
  lines.push(`Ledger: ${report.simulatedLedgerCalls} of ${report.ledgerCalls} calls simulated`);
  if (report.briefing) lines.push(`Briefing written to ${report.briefing.path}`, `  Subject: ${report.briefing.subject}`);
  else lines.push('Briefing: none written');
  if (report.scratchRepo.branch) lines.push(`Code edit: ${report.scratchRepo.path} on branch ${report.scratchRepo.branch} (${report.scratchRepo.commit?.slice(0, 7)})`);
  lines.push(`Demo data: ${report.demoDir} (wiped by the next demo run); took ${(report.wallTimeMs / 1000).toFixed(1)} s`);
  lines.push('', ...lookFurther(report.demoDir));
  return `${lines.join('\n')}\n`;
}

/**
 * The commands that read the demo's day afterwards. `--demo` points every command at the demo's
 * data dir and config: the demo's simulated rows, sample mail and synthetic prices never enter
 * the data a real briefing and the real month's budget read.
 */
export function lookFurther(demoDir: string): string[] {
  const defaultDir = demoDataDir(resolveDataDir({}, process.env));
  const prefix = demoDir === defaultDir ? 'switchboard --demo' : `switchboard --data-dir ${demoDir.replace(/\/demo$/, '')} --demo`;
  const rows: Array<[string, string]> = [
    [`${prefix} bill`, "the demo day's bill by tier, job and model"],
    [`${prefix} runs`, 'one line per run; `runs show ID` for one run in full'],
    [`${prefix} status`, 'each job, its next slot and last outcome'],
    [`${prefix} inbox`, 'what was extracted from the sample mail'],
    ['switchboard init', 'set up your own keys, mailbox and briefing (your data stays apart from the demo)'],
  ];
  const width = Math.max(...rows.map(([command]) => command.length));
  return ['Look further:', ...rows.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`)];
}

/** Registers `switchboard demo [--json] [--imap host:port,user]`. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a simulated day (every shipped job once, the simulator as every model) and print the bill')
    .option('--json', 'print the report as one JSON object')
    .option('--imap <host:port,user>', `read a loopback IMAP server instead of the built-in mailbox (password from $${DEMO_IMAP_PASSWORD_ENV})`)
    .action(async (options: DemoCommandOptions) => {
      const global = program.opts<GlobalOptions>();
      const imap = options.imap === undefined ? undefined : parseImapOption(options.imap, process.env);
      const demoDir = demoDataDir(resolveDataDir({ ...global, demo: false }, process.env));
      // Loaded here, not at the top: the demo pulls in every skill's heavy dependencies, and
      // every other command (the daemon above all) should not carry them.
      const { DemoDirError, runDemoDay } = await import('../../demo/run-demo-day.ts');
      let report: DemoReport;
      try {
        report = await runDemoDay({ demoDir, imap });
      } catch (error) {
        if (error instanceof DemoDirError) throw new CliError(error.message, EXIT_BAD_INPUT);
        throw error;
      }
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDemoReport(report));
      if (!report.allSucceeded) process.exitCode = EXIT_FAILURE;
    });
}
