import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, loadContext, printConfigWarnings, type GlobalOptions } from '../context.ts';
import { DaemonLockedError, startDaemon } from '../../daemon.ts';
import { openModelLayer } from '../../model-layer.ts';
import { assertJobsValid } from '../check-jobs.ts';

/** `switchboard start`: runs the daemon in the foreground until SIGTERM/SIGINT (systemd runs it this way). */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the daemon in the foreground: schedule every enabled job, log JSON lines on stdout')
    .action(async () => {
      const context = loadContext(program.opts<GlobalOptions>());
      // Stderr, not the JSON log on stdout: a person starting it by hand sees it; journald keeps it.
      printConfigWarnings(context);
      // A job the daemon could never run is refused up front (exit 2), not failed every slot.
      assertJobsValid(context);
      const modelLayer = await openModelLayer(context.config, context.dataDir);
      let handle;
      try {
        handle = startDaemon(context, { modelLayer, reopenModelLayer: (config) => openModelLayer(config, context.dataDir) });
      } catch (error) {
        await modelLayer.close();
        if (error instanceof DaemonLockedError) throw new CliError(error.message, EXIT_FAILURE);
        throw error;
      }
      // The daemon closes its model layers (this one, or what a reload replaced it with) as it stops.
      const code = await handle.stopped;
      process.exitCode = code;
      // A skill that ignored its abort signal must not keep a stopped daemon alive.
      setTimeout(() => process.exit(code), 3_000).unref();
    });
}
