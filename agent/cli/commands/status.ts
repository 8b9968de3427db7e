import type { Command } from 'commander';
import { loadContext, type GlobalOptions } from '../context.ts';
import { openStore } from '../../../memory/store.ts';
import { lastRun } from '../../../memory/runs.ts';
import { listDeadModels } from '../../../memory/dead-models.ts';
import { recentCallFaults, type CallFault } from '../../../memory/call-faults.ts';
import { modelFingerprint } from '../../router/model-fingerprint.ts';
import { resolveModels } from '../../runtime.ts';
import { countPendingProposals } from '../../../memory/approvals.ts';
import { daemonAlive, HEARTBEAT_KEY, readDaemonLock } from '../../daemon-lock.ts';
import { jobTimeZone, nextSlot } from '../../scheduler/slots.ts';
import { localDay, localDayBounds, localTime, ownerTimeZone, paintFor, table, type Paint } from '../terminal.ts';
import type { Store } from '../../../memory/store.ts';
import { terminalSafeDeep } from '../safe-output.ts';
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
  /** The owner's time zone: every human-readable time is in it, and "today" is its day. */
  timezone: string;
  /** The owner's calendar day, YYYY-MM-DD. */
  today: string;
  /** Configured models their provider answered 404 for: skipped until their config or catalogue entry changes. */
  deadModels: Array<{ model: string; provider: string; apiModel: string; since: string; message: string }>;
  /** Quota exhaustion and Switchboard defects (requests refused for their shape) in the last 7 days. */
  callFaults: CallFault[];
  spendTodayUsd: number;
  /** Proposals waiting for the owner's decision (`switchboard approvals list`). */
  pendingProposals: number;
}

/** What the ledger recorded between the owner's local midnights of `day`. */
export function spendOnLocalDay(db: Store, day: string, zone: string): number {
  const { start, end } = localDayBounds(day, zone);
  return (
    db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM calls WHERE started_at >= ? AND started_at < ?`).get(start.toISOString(), end.toISOString()) as {
      cost: number;
    }
  ).cost;
}
const FAULT_WINDOW_MS = 7 * 86_400_000;

/** `switchboard status [--json]`: is the daemon up, each job's next slot and last outcome, breakers, today's spend. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('daemon state, next slot and last run of each job, open breakers, spend today')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
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
          timezone: ownerTimeZone(context.config),
          today: localDay(now, ownerTimeZone(context.config)),
          spendTodayUsd: spendOnLocalDay(db, localDay(now, ownerTimeZone(context.config)), ownerTimeZone(context.config)),
          deadModels: (() => {
            const models = resolveModels(context.config);
            return listDeadModels(db)
              .filter((dead) => {
                const model = models.get(dead.model);
                return model !== undefined && modelFingerprint(model, context.config) === dead.fingerprint;
              })
              .map((dead) => ({ model: dead.model, provider: dead.provider, apiModel: dead.apiModel, since: dead.detectedAt, message: dead.message }));
          })(),
          callFaults: recentCallFaults(db, new Date(now.getTime() - FAULT_WINDOW_MS).toISOString()),
          pendingProposals: countPendingProposals(db, now),
        };
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(terminalSafeDeep(report), paintFor(process.stdout)));
      } finally {
        db.close();
      }
    });
}

/** The human status: times in the owner's zone (named once per table), aligned, coloured on a terminal. */
export function formatStatus(report: StatusReport, paint: Paint): string {
  const zone = report.timezone;
  const lines: string[] = [];
  const daemon = report.daemon;
  lines.push(
    daemon.running
      ? `daemon: ${paint.green('running')} (pid ${daemon.pid}, up ${formatDuration(daemon.uptimeSeconds ?? 0)} since ${localTime(daemon.startedAt, zone)} ${zone}, config ${daemon.configPath})`
      : `daemon: ${paint.yellow('not running')} (\`switchboard start\` or \`switchboard service install --user\`)`,
  );
  lines.push('', paint.bold('jobs'));
  if (report.jobs.length === 0) lines.push('  (none configured)');
  else {
    const rows = report.jobs.map((job) => {
      const sameZone = job.timezone === zone;
      const next = job.enabled ? (job.nextSlot ? `${localTime(job.nextSlot, zone)}${sameZone ? '' : ` (${localTime(job.nextSlot, job.timezone).slice(11)} ${job.timezone})`}` : '-') : 'disabled';
      const last = job.lastRun
        ? `${job.lastRun.status === 'succeeded' ? paint.green(job.lastRun.status) : job.lastRun.status === 'failed' ? paint.red(job.lastRun.status) : job.lastRun.status === 'degraded' ? paint.yellow(job.lastRun.status) : job.lastRun.status} (run ${job.lastRun.id}${job.lastRun.endedAt ? `, ${localTime(job.lastRun.endedAt, zone)}` : ''})`
        : 'never run';
      return [`  ${job.name}`, job.skill, job.schedule, next, last];
    });
    lines.push(table([['  job', 'skill', 'schedule', `next (${zone})`, 'last run'].map(paint.bold), ...rows]));
    // Why a job's last run did not succeed, one line each, so the table stays narrow.
    const troubled = report.jobs.filter((job) => job.lastRun?.error && job.lastRun.status !== 'succeeded');
    for (const job of troubled) {
      const run = job.lastRun!;
      const when = run.endedAt ? `, ${localTime(run.endedAt, zone)}` : '';
      lines.push(`  ${job.name} last ${run.status} (run ${run.id}${when}): ${firstLine(run.error!, 160)}`);
    }
  }
  if (report.breakers.length > 0) {
    lines.push('', paint.bold('breakers'));
    lines.push(
      table(
        report.breakers.map((breaker) => [
          `  ${breaker.model}`,
          breaker.state === 'closed' ? breaker.state : paint.red(breaker.state),
          `${breaker.consecutiveFailures} failures`,
          breaker.openedAt ? `opened ${localTime(breaker.openedAt, zone)}` : '',
        ]),
      ),
    );
  }
  if (report.deadModels.length > 0) {
    lines.push('', 'dead models (answered 404; skipped until their config or catalogue entry changes):');
    for (const dead of report.deadModels) lines.push(`  ${dead.model} (${dead.provider}, "${dead.apiModel}") since ${dead.since}: ${dead.message}`);
  }
  const quota = report.callFaults.filter((fault) => fault.kind === 'quota_exhausted');
  if (quota.length > 0) {
    lines.push('', 'PROVIDERS OUT OF CREDIT OR QUOTA (last 7 days; add credit or raise the limit):');
    for (const fault of quota) lines.push(`  ${fault.provider} (${fault.model}): ${fault.count} call(s), last ${fault.lastAt}: ${fault.lastMessage}`);
  }
  const defects = report.callFaults.filter((fault) => fault.kind === 'invalid_request');
  if (defects.length > 0) {
    lines.push('', 'Switchboard defects: requests a provider refused for their shape (last 7 days; please report):');
    for (const fault of defects) lines.push(`  ${fault.model} (${fault.provider}): ${fault.count} call(s), last ${fault.lastAt}: ${fault.lastMessage}`);
  }
  lines.push('', `spend today (${report.today}, ${zone}): $${report.spendTodayUsd.toFixed(4)}`);
  if (report.pendingProposals > 0) {
    lines.push(`approvals: ${report.pendingProposals} pending (switchboard approvals list)`);
  } else {
    lines.push('approvals: none pending');
  }
  return `${lines.join('\n')}\n`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function firstLine(text: string, max: number): string {
  const line = text.split('\n')[0]!;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
