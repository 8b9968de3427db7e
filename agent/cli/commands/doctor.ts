import type { Command } from 'commander';
import { setUpProviders } from '../../provider-setup.ts';
import { listMigrations, openStore } from '../../../memory/store.ts';
import { loadContext, type GlobalOptions } from '../context.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the config, the database and that each provider answers')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const checks: Check[] = [{ name: 'config', ok: true, detail: `${context.source.path} (${context.source.origin})` }];
      try {
        const db = openStore(context.databasePath);
        const version = db.pragma('user_version', { simple: true });
        const integrity = db.pragma('quick_check', { simple: true });
        db.close();
        const latest = Math.max(...listMigrations().map((migration) => migration.version));
        checks.push({ name: 'database', ok: integrity === 'ok', detail: `${context.databasePath}: schema ${version}/${latest}, quick_check ${String(integrity)}` });
      } catch (error) {
        checks.push({ name: 'database', ok: false, detail: error instanceof Error ? error.message : String(error) });
      }
      try {
        const setup = await setUpProviders(context.config);
        try {
          // The probe imports both SDKs: loaded here, not by every command's start.
          const { probeProvider } = await import('../../providers/probe.ts');
          for (const spec of setup.specs) {
            const probe = await probeProvider(spec);
            const label = spec.simulated ? ' (simulated: no API key set)' : '';
            checks.push({ name: `provider ${spec.name}${label}`, ok: probe.ok, detail: `${probe.detail} in ${probe.latencyMs.toFixed(0)} ms` });
          }
        } finally {
          await setup.close();
        }
      } catch (error) {
        checks.push({ name: 'providers', ok: false, detail: error instanceof Error ? error.message : String(error) });
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ ok: checks.every((check) => check.ok), checks }, null, 2)}\n`);
      else for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
      if (!checks.every((check) => check.ok)) process.exitCode = 1;
    });
}
