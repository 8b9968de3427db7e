import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, loadContext, printConfigWarnings, type CommandContext, type GlobalOptions } from '../context.ts';
import { DaemonLockedError, startDaemon } from '../../daemon.ts';
import { openModelLayer } from '../../model-layer.ts';
import { assertJobsValid } from '../check-jobs.ts';

/** `switchboard start`: runs the daemon in the foreground until SIGTERM/SIGINT (systemd runs it this way). */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the daemon in the foreground: schedule every enabled job, log JSON lines on stdout')
    .option('--no-dashboard', 'do not serve the dashboard this time (dashboard.enabled: false turns it off for good)')
    .action(async (options: { dashboard?: boolean }) => {
      const context = loadContext(program.opts<GlobalOptions>());
      // Stderr, not the JSON log on stdout: a person starting it by hand sees it; journald keeps it.
      printConfigWarnings(context);
      // A job the daemon could never run is refused up front (exit 2), not failed every slot.
      assertJobsValid(context);
      const modelLayer = await openModelLayer(context.config, context.dataDir, context.redactor);
      let handle;
      try {
        handle = startDaemon(context, { modelLayer, reopenModelLayer: (config) => openModelLayer(config, context.dataDir, context.redactor) });
      } catch (error) {
        await modelLayer.close();
        if (error instanceof DaemonLockedError) throw new CliError(error.message, EXIT_FAILURE);
        throw error;
      }
      const dashboard = context.config.dashboard.enabled && options.dashboard !== false ? await serveDashboard(context) : undefined;
      // The daemon closes its model layers (this one, or what a reload replaced it with) as it stops.
      const code = await handle.stopped;
      await dashboard?.close();
      process.exitCode = code;
      // A skill that ignored its abort signal must not keep a stopped daemon alive.
      setTimeout(() => process.exit(code), 3_000).unref();
    });
}

/** The dashboard beside the daemon, on its own connection to the store; a taken port is a warning, not a stop. */
async function serveDashboard(context: CommandContext): Promise<{ close(): Promise<void> } | undefined> {
  const [{ startDashboard }, { readOrCreateDashboardToken }, { openStore }, { openCommandModels }, { createLogger }] = await Promise.all([
    import('../../dashboard/server.ts'),
    import('../../dashboard/token.ts'),
    import('../../../memory/store.ts'),
    import('../../model-layer.ts'),
    import('../../logger.ts'),
  ]);
  const db = openStore(context.databasePath);
  try {
    const running = await startDashboard(
      {
        db,
        config: () => context.config,
        dataDir: context.dataDir,
        token: readOrCreateDashboardToken(context.dataDir),
        openRouter: () => openCommandModels(context, createLogger({ level: context.config.log.level, secrets: context.secrets, destination: process.stderr })),
      },
      context.config.dashboard.port,
    );
    process.stderr.write(`switchboard: dashboard on ${running.url} (\`switchboard dashboard\` prints the address with its token)\n`);
    return {
      close: async () => {
        await running.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    process.stderr.write(`switchboard: warning: dashboard not served on 127.0.0.1:${context.config.dashboard.port}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}
