import type { Command } from 'commander';
import { isoDay } from '../../../config/catalogue.ts';
import { asOfDate, loadContext, printConfigWarnings, type CommandContext, type GlobalOptions } from '../context.ts';
import { checkDataDir, checkDatabase, checkGoogle, checkImapAccount, checkRepositories, checkSmtp, type DoctorRow } from '../../doctor/checks.ts';

interface DoctorOptions {
  json?: boolean;
  live?: boolean;
}

/**
 * `switchboard doctor`: one row per part (config, database, data dir, each configured model,
 * each IMAP account, SMTP, Google, each repository), ✓ or ✗ with the fix. Exits 1 when any
 * row fails. `--live` sends one minimal real request per model after printing what it costs.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check every part for real: config, database, models, mail, Google, repositories, data dir')
    .option('--json', 'print the rows as JSON')
    .option('--live', 'send one minimal real request to each configured model (prints the expected cost first)')
    .action(async (options: DoctorOptions) => {
      const globals = program.opts<GlobalOptions>();
      const context = loadContext(globals);
      if (!options.json) printConfigWarnings(context);
      const today = isoDay(asOfDate(globals.asOf));
      const rows = await runDoctor(context, { live: options.live ?? false, today, json: options.json ?? false });
      const ok = rows.every((row) => row.ok);
      if (options.json) process.stdout.write(`${JSON.stringify({ ok, checks: rows }, null, 2)}\n`);
      else process.stdout.write(formatTable(rows));
      if (!ok) process.exitCode = 1;
    });
}

async function runDoctor(context: CommandContext, options: { live: boolean; today: string; json: boolean }): Promise<DoctorRow[]> {
  const { config, secrets } = context;
  // A bad config never gets here: loading it exited 2 with its key paths.
  const rows: DoctorRow[] = [
    {
      part: 'config',
      ok: true,
      detail: `${context.source.path} (${context.source.origin})${context.warnings.length ? `; ${context.warnings.length} model(s) retiring within 30 days` : ''}`,
      ...(context.warnings.length ? { fix: context.warnings.map((warning) => `${warning.path}: ${warning.message}`).join('; ') } : {}),
    },
    await checkDatabase(context.databasePath),
    checkDataDir(context.dataDir),
  ];
  rows.push(...(await modelRows(context, options)));
  for (const [name, account] of Object.entries(config.mail.accounts)) rows.push(await checkImapAccount(name, account, secrets));
  if (config.mail.smtp) rows.push(await checkSmtp(config.mail.smtp, secrets));
  if (config.google) rows.push(await checkGoogle(config.google, secrets));
  rows.push(...checkRepositories(config, context.env.HOME));
  return rows;
}

async function modelRows(context: CommandContext, options: { live: boolean; today: string; json: boolean }): Promise<DoctorRow[]> {
  try {
    // The provider layer imports both SDKs: loaded here, not by every command's start.
    const { setUpProviders } = await import('../../provider-setup.ts');
    const { checkModels, expectedLiveCost } = await import('../../doctor/models.ts');
    const setup = await setUpProviders(context.config);
    try {
      const models = [...setup.models.values()];
      if (options.live) {
        const paid = models.filter((model) => !setup.simulated.includes(model.provider));
        const line = `doctor --live: one minimal request to each of ${models.length} model(s); expected cost at most $${expectedLiveCost(paid, options.today).toFixed(4)}${paid.length < models.length ? ` (${models.length - paid.length} simulated, free)` : ''}\n`;
        // Printed before any request is sent; on stderr with --json so stdout stays one document.
        (options.json ? process.stderr : process.stdout).write(line);
      }
      return await checkModels(models, { specs: setup.specs, registry: setup.registry, today: options.today, live: options.live, secrets: context.secrets });
    } finally {
      await setup.close();
    }
  } catch (error) {
    return [{ part: 'models', ok: false, detail: error instanceof Error ? error.message : String(error), fix: 'fix the providers section of the config' }];
  }
}

/** The human table: a mark, the part, what was found, and the fix on the next line. */
export function formatTable(rows: DoctorRow[]): string {
  const width = Math.max(...rows.map((row) => row.part.length));
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.ok ? '✓' : '✗'} ${row.part.padEnd(width)}  ${row.detail}`);
    if (row.fix) lines.push(`  ${' '.repeat(width)}  ${row.ok ? 'note' : 'fix'}: ${row.fix}`);
  }
  const failed = rows.filter((row) => !row.ok).length;
  lines.push(failed === 0 ? `all ${rows.length} checks passed` : `${failed} of ${rows.length} checks failed`);
  return `${lines.join('\n')}\n`;
}
