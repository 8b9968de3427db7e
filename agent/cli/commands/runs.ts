import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type GlobalOptions } from '../context.ts';
import { openStore } from '../../../memory/store.ts';
import { finishRun, getRun, listRuns, listSteps, requestCancellation, type RunRecord } from '../../../memory/runs.ts';
import { isProcessAlive } from '../../scheduler/process-identity.ts';
import { stringify } from 'yaml';
import { terminalSafeDeep } from '../safe-output.ts';
import { localTime, oneLine, ownerTimeZone, paintFor, table, type Paint } from '../terminal.ts';
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
      await withStore(program, (db, zone) => {
        const rows = listRuns(db, { job: options.job, limit });
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('no runs yet\n');
        process.stdout.write(`${renderRunList(terminalSafeDeep(rows), zone, paintFor(process.stdout), process.stdout.columns ?? 120)}\n`);
      });
    });

  runs
    .command('show')
    .description('one run with its steps')
    .argument('<id>', 'run id')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withStore(program, (db, zone) => {
        const run = getRun(db, parseId(id));
        if (!run) throw new CliError(`no run with id ${id}`, EXIT_FAILURE);
        const steps = listSteps(db, run.id);
        // Dead models, empty accounts, defects and refusals met on the way, even when the run succeeded on a fallback.
        const modelFaults = runCallFaults(db, run.id);
        if (options.json) return void process.stdout.write(`${JSON.stringify({ run, steps, modelFaults }, null, 2)}
`);
        process.stdout.write(renderRunDetail(terminalSafeDeep(run), terminalSafeDeep(steps), zone, paintFor(process.stdout), terminalSafeDeep(modelFaults)));
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
async function withStore(program: Command, work: (db: ReturnType<typeof openStore>, zone: string) => void): Promise<void> {
  const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
  const db = openStore(context.databasePath, { mustExist: true });
  try {
    endDeadRuns(db);
    endOrphanGroups(db);
    work(db, ownerTimeZone(context.config));
  } finally {
    db.close();
  }
}

/** The run's one-line story: the skill's summary when it succeeded, else its error. */
export function runSummary(run: RunRecord): string {
  if (run.error) return run.error.split('\n')[0];
  const result = run.result as { summary?: unknown } | null;
  if (result && typeof result.summary === 'string') return result.summary;
  return '';
}

function paintStatus(status: string, paint: Paint): string {
  if (status === 'succeeded') return paint.green(status);
  if (status === 'failed' || status === 'timed_out' || status === 'interrupted') return paint.red(status);
  if (status === 'running' || status === 'queued' || status === 'degraded') return paint.yellow(status);
  return status;
}

function took(run: RunRecord): string {
  return run.startedAt && run.endedAt ? `${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s` : '-';
}

/** One line per run: id, start (owner's zone), job, outcome, time taken, cost, a short result. */
export function renderRunList(runs: RunRecord[], zone: string, paint: Paint, width = 120): string {
  const rows = runs.map((run) => [
    String(run.id),
    localTime(run.startedAt ?? run.createdAt, zone),
    run.job,
    paintStatus(run.status, paint) + (run.attempt > 1 ? ` (attempt ${run.attempt})` : ''),
    took(run),
    `$${run.costUsd.toFixed(4)}`,
    runSummary(run),
  ]);
  const header = ['run', `started (${zone})`, 'job', 'outcome', 'took', 'cost', 'result'].map((cell) => paint.bold(cell));
  const aligned = table([header.slice(0, 6), ...rows.map((row) => row.slice(0, 6))], ['right', 'left', 'left', 'left', 'right', 'right']).split('\n');
  return aligned.map((line, index) => `${line}  ${index === 0 ? header[6] : oneLine(rows[index - 1][6], Math.max(30, width - line.length - 3))}`).join('\n');
}

/** One run in full: fields, the result as indented YAML (never one long JSON line), the steps as a table. */
export function renderRunDetail(
  run: RunRecord,
  steps: ReturnType<typeof listSteps>,
  zone: string,
  paint: Paint,
  modelFaults: Array<{ model: string; provider: string; kind: string; message: string }> = [],
): string {
  const lines = [
    paint.bold(`run ${run.id}: ${run.job} (${run.skill}) ${run.status}`),
    table([
      ['  slot', run.slot.startsWith('manual:') || run.slot.startsWith('demo:') ? run.slot : `${localTime(run.slot, zone)} ${zone}`],
      ['  trigger', `${run.trigger}, attempt ${run.attempt}, pid ${run.pid ?? '-'}`],
      ['  started', `${localTime(run.startedAt, zone, true)} ${zone}`],
      ['  ended', `${localTime(run.endedAt, zone, true)} ${zone} (took ${took(run)})`],
      ['  cost', `$${run.costUsd.toFixed(4)}`],
      ['  key', run.idempotencyKey],
    ]),
  ];
  if (run.error) lines.push('', paint.red('error:'), indent(run.error));
  if (run.result !== null && run.result !== undefined) {
    const result = run.result as Record<string, unknown>;
    if (typeof result === 'object' && typeof result.summary === 'string') {
      lines.push('', 'summary:', indent(result.summary));
      const { summary: _summary, problems, ...rest } = result;
      // The parts that failed (a degraded run, or a failed one where every part failed), one line each.
      if (Array.isArray(problems) && problems.length > 0) {
        lines.push('', paint.yellow('failed parts:'));
        for (const problem of problems as Array<{ part?: unknown; kind?: unknown; message?: unknown }>) {
          lines.push(`  ${String(problem.part)} (${String(problem.kind)}): ${oneLine(String(problem.message ?? ''), 200)}`);
        }
      }
      if (Object.keys(rest).length > 0) lines.push('', 'result:', indent(stringify(rest, { lineWidth: 100 }).trimEnd()));
    } else {
      lines.push('', 'result:', indent(stringify(run.result, { lineWidth: 100 }).trimEnd()));
    }
  }
  if (modelFaults.length > 0) {
    lines.push('', paint.yellow('model faults:'));
    for (const fault of modelFaults) lines.push(`  ${fault.model} (${fault.provider}): ${fault.kind}: ${oneLine(fault.message, 200)}`);
  }
  if (steps.length > 0) {
    lines.push('', 'steps:');
    const rows = steps.map((step) => [
      String(step.step),
      step.kind,
      step.tier ?? '-',
      step.model ?? step.tool ?? '-',
      `${step.inputTokens}/${step.outputTokens}`,
      `$${step.costUsd.toFixed(4)}`,
      step.outcome,
    ]);
    lines.push(indent(table([['step', 'kind', 'tier', 'model/tool', 'tokens in/out', 'cost', 'outcome'], ...rows], ['right', 'left', 'left', 'left', 'right', 'right'])));
    for (const step of steps) if (step.detail) lines.push(`  step ${step.step} detail: ${oneLine(typeof step.detail === 'string' ? step.detail : JSON.stringify(step.detail), 200)}`);
  }
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
