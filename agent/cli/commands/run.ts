import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type GlobalOptions } from '../context.ts';
import { openServices } from '../../services.ts';
import { openModelLayer } from '../../model-layer.ts';
import { RunAbort } from '../../job-executor.ts';
import { claimRun, listActiveRuns, type ClaimResult } from '../../../memory/runs.ts';
import { isProcessAlive, processIdentity } from '../../scheduler/process-identity.ts';
import { manualKey } from '../../scheduler/slots.ts';
import { assertJobsValid } from '../check-jobs.ts';
import { endDeadRuns, endOrphanGroups } from '../../run-liveness.ts';

/**
 * `switchboard run JOB`: runs a job now, in this process, with its own key `job@manual:<time>`
 * (it never takes a scheduled slot). Safe next to a running daemon: both use the same
 * database, and it refuses (exit 1) while the job is queued or running anywhere.
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a job now (its own idempotency key; refuses if the job is already running)')
    .argument('<job>', 'job name from the config')
    .action(async (name: string) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const job = context.config.jobs[name];
      if (!job) {
        const known = Object.keys(context.config.jobs).join(', ') || '(none)';
        throw new CliError(`no job named "${name}" in ${context.source.path}; jobs: ${known}`, EXIT_BAD_INPUT);
      }
      // Bad options are refused before any row is written (exit 2, file and key path).
      assertJobsValid(context, name);
      const modelLayer = await openModelLayer(context.config, context.dataDir, context.redactor);
      let services;
      try {
        services = openServices(context, { logging: 'stderr', modelLayer, checkStore: true });
      } catch (error) {
        await modelLayer.close();
        throw error;
      }
      try {
        // A run of this job left by a killed process must not block this one, nor its children linger.
        endDeadRuns(services.db, { logger: services.logger });
        endOrphanGroups(services.db, { logger: services.logger });
        const now = new Date();
        const claim = services.db
          .transaction((): ClaimResult | string => {
            const holder = listActiveRuns(services.db, name).find((row) => isProcessAlive(row.pid, row.owner));
            if (holder) return `job ${name} is already ${holder.status} (run ${holder.id}, pid ${holder.pid}); try again when it ends`;
            return claimRun(services.db, {
              job: name,
              skill: job.skill,
              slot: `manual:${now.toISOString()}`,
              idempotencyKey: manualKey(name, now),
              trigger: 'manual',
              status: 'running',
              now,
              pid: process.pid,
              owner: processIdentity(),
            });
          })
          .immediate();
        if (typeof claim === 'string') throw new CliError(claim, EXIT_FAILURE);
        if (!claim.claimed) throw new CliError(`run key ${claim.existing.idempotencyKey} is already taken; try again`, EXIT_FAILURE);
        const controller = new AbortController();
        const onSignal = () => controller.abort(new RunAbort('shutdown', 'interrupted by a signal to `switchboard run`'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        process.once('SIGHUP', onSignal);
        const finished = await services.executor.execute({ run: claim.run, job, signal: controller.signal });
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.off('SIGHUP', onSignal);
        if (!(await services.executor.flush(30_000))) {
          process.stderr.write(`switchboard: could not record the end of run ${finished.id} (database busy or disk full); \`runs\` shows it interrupted once this process is gone\n`);
        }
        const summary = (finished.result as { summary?: string } | null)?.summary;
        process.stdout.write(
          `run ${finished.id} ${name}: ${finished.status}${summary ? ` — ${summary}` : ''}${finished.error ? ` — ${finished.error}` : ''}\n`,
        );
        if (finished.status !== 'succeeded' && finished.status !== 'degraded') process.exitCode = EXIT_FAILURE;
      } finally {
        services.close();
        await modelLayer.close();
      }
    });
}
