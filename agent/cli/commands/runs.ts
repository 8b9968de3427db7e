import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type GlobalOptions } from '../context.ts';
import { openStore } from '../../../memory/store.ts';
import { finishRun, getRun, listRuns, listSteps, requestCancellation, type RunRecord } from '../../../memory/runs.ts';
import { isProcessAlive } from '../../scheduler/process-identity.ts';
import { endDeadRuns, endOrphanGroups } from '../../run-liveness.ts';
import { runCallFaults } from '../../../memory/call-faults.ts';

/** `switchboard runs [--job J] [--limit N] [--json]`, `runs show ID`, `runs cancel ID`. */
export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('list job runs, newest first')
    .option('--job <name>', 'only this job')
    .option('--limit <n>', 'how many (default 20)', '20')
    .option('--json', 'print JSON')
    .action(async (options: { job?: string; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new CliError(`--limit: expected a positive integer, found "${options.limit}"`, EXIT_BAD_INPUT);
      await withStore(program, (db) => {
        const rows = listRuns(db, { job: options.job, limit });
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('no runs yet\n');
        for (const row of rows) process.stdout.write(`${formatRun(row)}\n`);
      });
    });

  runs
    .command('show')
    .description('one run with its steps')
    .argument('<id>', 'run id')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withStore(program, (db) => {
        const run = getRun(db, parseId(id));
        if (!run) throw new CliError(`no run with id ${id}`, EXIT_FAILURE);
        const steps = listSteps(db, run.id);
        // Dead models, empty accounts, defects and refusals met on the way, even when the run succeeded on a fallback.
        const modelFaults = runCallFaults(db, run.id);
        if (options.json) return void process.stdout.write(`${JSON.stringify({ run, steps, modelFaults }, null, 2)}\n`);
        const lines = [
          formatRun(run),
          `  key ${run.idempotencyKey}, trigger ${run.trigger}, attempt ${run.attempt}, pid ${run.pid ?? '-'}`,
          `  created ${run.createdAt}, started ${run.startedAt ?? '-'}, ended ${run.endedAt ?? '-'}, cost $${run.costUsd.toFixed(4)}`,
        ];
        if (run.error) lines.push(`  ${run.status === 'degraded' ? 'failed parts' : 'error'}: ${run.error}`);
        const problems = (run.result as { problems?: Array<{ part: string; kind: string; message: string }> } | null)?.problems ?? [];
        for (const problem of problems) lines.push(`  problem: ${problem.part} (${problem.kind}): ${problem.message}`);
        if (run.heartbeatAt && (run.status === 'running' || run.status === 'interrupted')) lines.push(`  last heartbeat ${run.heartbeatAt}`);
        if (run.result !== null) lines.push(`  result: ${JSON.stringify(run.result)}`);
        for (const fault of modelFaults) lines.push(`  model ${fault.model} (${fault.provider}): ${fault.kind}: ${fault.message}`);
        for (const step of steps) {
          const what = [step.kind, step.tier, step.model, step.tool].filter(Boolean).join(' ');
          lines.push(`  step ${step.step}: ${what} → ${step.outcome} ($${step.costUsd.toFixed(4)})${step.detail ? ` ${JSON.stringify(step.detail)}` : ''}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  runs
    .command('cancel')
    .description('cancel a queued or running run (the process running it aborts it within a second)')
    .argument('<id>', 'run id')
    .action(async (id: string) => {
      await withStore(program, (db) => {
        const run = getRun(db, parseId(id));
        if (!run) throw new CliError(`no run with id ${id}`, EXIT_FAILURE);
        if (run.status !== 'queued' && run.status !== 'running') {
          throw new CliError(`run ${run.id} is not active (status ${run.status})`, EXIT_FAILURE);
        }
        const now = new Date();
        if (run.status === 'queued' || !isProcessAlive(run.pid, run.owner)) {
          // Nobody is executing it: end it here; a queued run's start then finds it ended.
          finishRun(db, run.id, { status: 'cancelled', at: now, error: 'cancelled by `switchboard runs cancel`' });
          process.stdout.write(`run ${run.id} cancelled\n`);
          return;
        }
        requestCancellation(db, run.id, now);
        process.stdout.write(`cancel requested for run ${run.id} (pid ${run.pid}); it ends as cancelled within about a second\n`);
      });
    });
}

function parseId(id: string): number {
  const value = Number(id);
  if (!Number.isInteger(value) || value <= 0) throw new CliError(`expected a run id (a positive integer), found "${id}"`, EXIT_BAD_INPUT);
  return value;
}

/**
 * Opens the data dir's database for a command that reads runs: never creates it (exit 1 when
 * missing), and first ends the rows of runs whose process died, so none shows `running` falsely.
 */
async function withStore(program: Command, work: (db: ReturnType<typeof openStore>) => void): Promise<void> {
  const context = loadContext(program.opts<GlobalOptions>());
  const db = openStore(context.databasePath, { mustExist: true });
  try {
    endDeadRuns(db);
    endOrphanGroups(db);
    work(db);
  } finally {
    db.close();
  }
}

function formatRun(run: RunRecord): string {
  const took = run.startedAt && run.endedAt ? ` ${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s` : '';
  const error = run.error ? ` — ${run.error.split('\n')[0].slice(0, 120)}` : '';
  return `${String(run.id).padStart(5)}  ${run.job}  ${run.slot}  ${run.status}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ''}${took}${error}`;
}
