/**
 * `switchboard dashboard`: prints (and on a desktop opens) the address of the local dashboard
 * with its token. The daemon serves it (`dashboard.port`); `--serve` serves it from this process
 * instead, until Ctrl-C, for a machine where the daemon is not running.
 */
import type { Command } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { openStore } from '../../../memory/store.ts';
import { daemonAlive, readDaemonLock } from '../../daemon-lock.ts';
import { readOrCreateDashboardToken } from '../../dashboard/token.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type GlobalOptions } from '../context.ts';
import type { CommandServices } from './code.ts';

interface DashboardOptions {
  serve?: boolean;
  port?: string;
  open?: boolean;
}

export function registerDashboardCommand(program: Command, services?: CommandServices): void {
  program
    .command('dashboard')
    .description('print and open the address of the local dashboard (today, runs, spend, models, approvals)')
    .option('--serve', 'serve the dashboard from this process until Ctrl-C (when the daemon is not running)')
    .option('--port <port>', 'with --serve: the port (default dashboard.port; 0 picks a free one)')
    .option('--no-open', 'print the address only')
    .action(async (options: DashboardOptions) => {
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
      const token = readOrCreateDashboardToken(context.dataDir);
      const port = options.port === undefined ? context.config.dashboard.port : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port: expected a port number, found "${options.port}"`, EXIT_BAD_INPUT);
      if (!options.serve) {
        const running = daemonAlive(readDaemonLock(context.dataDir));
        const url = `http://127.0.0.1:${port}/?token=${token}`;
        process.stdout.write(`${url}\n`);
        if (!context.config.dashboard.enabled) process.stdout.write('note: dashboard.enabled is false: the daemon does not serve it; `switchboard dashboard --serve` does\n');
        else if (!running) process.stdout.write('note: the daemon is not running: `switchboard start` serves the dashboard, or `switchboard dashboard --serve` from here\n');
        if (options.open !== false && process.stdout.isTTY) openInBrowser(url);
        return;
      }
      const { startDashboard } = await import('../../dashboard/server.ts');
      const db = openStore(context.databasePath);
      const dashboard = await startDashboard(
        {
          db,
          config: () => context.config,
          dataDir: context.dataDir,
          token,
          openRouter: async () => {
            if (!services) throw new Error('this build has no model router wired for approvals');
            return services.open(context);
          },
        },
        port,
      );
      const url = `${dashboard.url}?token=${token}`;
      process.stdout.write(`dashboard: ${url}\n(Ctrl-C stops it)\n`);
      if (options.open !== false && process.stdout.isTTY) openInBrowser(url);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dashboard.close();
      db.close();
    });
}

/** `xdg-open` (Linux) or `open` (macOS) when present; silently nothing otherwise. */
function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  if (spawnSync('sh', ['-c', `command -v ${opener}`]).status !== 0) return;
  spawn(opener, [url], { stdio: 'ignore', detached: true }).unref();
}
