import type { Command } from 'commander';
import { loadContext, type GlobalOptions } from '../context.ts';
import { openStore } from '../../../memory/store.ts';
import { lastRun } from '../../../memory/runs.ts';
import { daemonAlive, HEARTBEAT_KEY, readDaemonLock } from '../../daemon-lock.ts';
import { jobTimeZone, nextSlot } from '../../scheduler/slots.ts';
import { endDeadRuns, endOrphanGroups } from '../../run-liveness.ts';

export interface StatusReport {
  daemon: { running: boolean; pid?: number; startedAt?: string; uptimeSeconds?: number; configPath?: string };
  jobs: Array<{
    name: string;
    enabled: boolean;
    schedule: string;
    timezone: string;
    skill: string;
    nextSlot: string | null;
    lastRun: { id: number; slot: string; status: string; endedAt: string | null; error: string | null } | null;
  }>;
  breakers: Array<{ model: string; state: string; consecutiveFailures: number; openedAt: string | null }>;
  spendTodayUsd: number;
}

/** `switchboard status [--json]`: is the daemon up, each job's next slot and last outcome, breakers, today's spend. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('daemon state, next slot and last run of each job, open breakers, spend today')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const context = loadContext(program.opts<GlobalOptions>());
      // A reading command never creates the data dir: a missing one is an error (exit 1).
      const db = openStore(context.databasePath, { mustExist: true });
      try {
        // Runs whose process died are shown (and recorded) as interrupted, not running.
        endDeadRuns(db);
        endOrphanGroups(db);
        const now = new Date();
        const lock = readDaemonLock(context.dataDir);
        const running = daemonAlive(lock);
        const heartbeat = db.prepare(`SELECT value FROM kv WHERE key = ?`).get(HEARTBEAT_KEY) as { value: string } | undefined;
        const beat = heartbeat ? (JSON.parse(heartbeat.value) as { pid: number; startedAt: string; configPath: string }) : undefined;
        const startedAt = running ? (beat?.pid === lock!.pid ? beat.startedAt : lock!.startedAt) : undefined;
        const report: StatusReport = {
          daemon: {
            running,
            pid: running ? lock!.pid : undefined,
            startedAt,
            uptimeSeconds: startedAt ? Math.round((now.getTime() - Date.parse(startedAt)) / 1000) : undefined,
            configPath: running ? lock!.configPath : undefined,
          },
          jobs: Object.entries(context.config.jobs).map(([name, job]) => {
            const timezone = jobTimeZone(job, context.config);
            const last = lastRun(db, name);
            let next: Date | null = null;
            try {
              next = job.enabled ? nextSlot({ expression: job.schedule, timezone }, now) : null;
            } catch {
              next = null;
            }
            return {
              name,
              enabled: job.enabled,
              schedule: job.schedule,
              timezone,
              skill: job.skill,
              nextSlot: next?.toISOString() ?? null,
              lastRun: last ? { id: last.id, slot: last.slot, status: last.status, endedAt: last.endedAt, error: last.error } : null,
            };
          }),
          breakers: (
            db.prepare(`SELECT model, state, consecutive_failures, opened_at FROM breakers ORDER BY model`).all() as Array<{
              model: string;
              state: string;
              consecutive_failures: number;
              opened_at: string | null;
            }>
          ).map((row) => ({ model: row.model, state: row.state, consecutiveFailures: row.consecutive_failures, openedAt: row.opened_at })),
          spendTodayUsd: (
            db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM call_totals WHERE day = ?`).get(now.toISOString().slice(0, 10)) as {
              cost: number;
            }
          ).cost,
        };
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      } finally {
        db.close();
      }
    });
}

function formatStatus(report: StatusReport): string {
  const lines: string[] = [];
  const daemon = report.daemon;
  lines.push(
    daemon.running
      ? `daemon: running (pid ${daemon.pid}, up ${formatDuration(daemon.uptimeSeconds ?? 0)}, config ${daemon.configPath})`
      : 'daemon: not running',
  );
  lines.push('', 'jobs:');
  if (report.jobs.length === 0) lines.push('  (none configured)');
  for (const job of report.jobs) {
    const why = job.lastRun?.error && job.lastRun.status !== 'succeeded' ? `: ${job.lastRun.error.split('\n')[0].slice(0, 120)}` : '';
    const last = job.lastRun ? `last ${job.lastRun.status} (run ${job.lastRun.id}, slot ${job.lastRun.slot})${why}` : 'never run';
    const next = job.enabled ? `next ${job.nextSlot ?? '-'}` : 'disabled';
    lines.push(`  ${job.name}  [${job.schedule} ${job.timezone}] ${job.skill}: ${next}; ${last}`);
  }
  if (report.breakers.length > 0) {
    lines.push('', 'breakers:');
    for (const breaker of report.breakers) lines.push(`  ${breaker.model}: ${breaker.state} (${breaker.consecutiveFailures} failures)`);
  }
  lines.push('', `spend today: $${report.spendTodayUsd.toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
