// The fault matrix's pieces: a workspace, a config written as YAML, the real CLI (spawned), the
// real daemon (test/daemon/process-harness.ts) and read-only looks at the database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { BIN, spawnDaemon, type DaemonProcess } from '../daemon/process-harness.ts';

export { sleep } from '../daemon/process-harness.ts';

export interface FaultWorkspace {
  dir: string;
  config: string;
  dataDir: string;
  /** Runs the CLI to completion (generous timeout: the machine may be loaded). */
  cli(...args: string[]): { status: number | null; stdout: string; stderr: string };
  /** Like `cli`, without blocking this process's event loop (for tests that serve loopback HTTP themselves). */
  cliAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** Starts the CLI in the background (own process group). */
  background(...args: string[]): ChildProcess;
  daemon(): DaemonProcess;
}

export function aFaultWorkspace(dataDir?: string): FaultWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'sb-fault-'));
  const workspace = { dir, config: join(dir, 'config.yaml'), dataDir: dataDir ?? join(dir, 'data') };
  const env = { PATH: process.env.PATH, HOME: dir };
  const argv = (args: string[]) => [BIN, '--config', workspace.config, '--data-dir', workspace.dataDir, ...args];
  return {
    ...workspace,
    cli: (...args) => {
      const result = spawnSync(process.execPath, argv(args), { encoding: 'utf8', env, timeout: 120_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    cliAsync: (...args) =>
      new Promise((resolveResult) => {
        const child = spawn(process.execPath, argv(args), { stdio: ['ignore', 'pipe', 'pipe'], env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (status) => {
          clearTimeout(timer);
          resolveResult({ status, stdout, stderr });
        });
      }),
    background: (...args) => spawn(process.execPath, argv(args), { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true }),
    daemon: () => spawnDaemon(workspace),
  };
}

/** A minimal valid config: one keyless OpenAI-wire provider at `baseURL` (never called unless a job asks), plus `jobs`. */
export function writeFaultConfig(path: string, jobs: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  const baseURL = (extra.baseURL as string | undefined) ?? 'http://127.0.0.1:9/v1';
  const { baseURL: _omit, ...rest } = extra;
  void _omit;
  writeFileSync(
    path,
    stringify({
      version: 1,
      log: { level: 'debug' },
      timezone: 'UTC',
      simulator: { mode: 'never' },
      providers: { p: { api: 'openai', keyless: true, baseURL, timeout: '60s' } },
      models: {
        first: { provider: 'p', model: 'first-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }], capabilities: {} },
        second: { provider: 'p', model: 'second-model', contextWindow: 100_000, maxOutputTokens: 1_000, prices: [{ input: 1, output: 2 }], capabilities: {} },
      },
      tiers: { orchestration: ['first', 'second'], execution: ['first', 'second'], reasoning: ['first', 'second'], 'large-context': ['second'] },
      flagship: 'gpt-5.6-sol',
      retry: { maxWait: '100ms', baseDelay: '10ms' },
      daemon: { shutdownGrace: '3s' },
      jobs,
      ...rest,
    }),
  );
}

export interface RunRow {
  id: number;
  job: string;
  slot: string;
  idempotency_key: string;
  status: string;
  attempt: number;
  trigger: string;
  error: string | null;
  result: string | null;
  started_at: string | null;
  created_at: string;
  pgid: number | null;
}

export function readRuns(dataDir: string): RunRow[] {
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM job_runs ORDER BY slot, id`).all() as RunRow[];
  } finally {
    db.close();
  }
}

export function countCalls(dataDir: string): number {
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM calls`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Lines appended by job scripts to `file` (one key per line); empty when the file is absent. */
export function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Mails the outbox delivery wrote (file names and contents). */
export function outboxMails(dataDir: string): string[] {
  const outbox = join(dataDir, 'outbox');
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.eml') || name.endsWith('.txt') || name.endsWith('.html'))
    .map((name) => readFileSync(join(outbox, name), 'utf8'));
}

/** True while process `pid` exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `condition` every 100 ms until it is truthy or `timeoutMs` passes (then throws with `what`). */
export async function until<T>(condition: () => T, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Checks that every slot of a job with an `everySeconds` schedule from its first recorded slot
 * to its last is accounted for: a row of its own, or inside the range of a `missed` row.
 * Returns the slots that are not (empty when none is lost).
 */
export function unaccountedSlots(runs: RunRow[], everySeconds: number): string[] {
  const scheduled = runs.filter((run) => !run.slot.startsWith('manual:'));
  if (scheduled.length === 0) return [];
  const covered = new Set(scheduled.map((run) => Date.parse(run.slot)));
  for (const run of scheduled.filter((row) => row.status === 'missed' && row.result)) {
    const range = JSON.parse(run.result!) as { from?: string; to?: string };
    if (!range.from || !range.to) continue;
    for (let at = Date.parse(range.from); at <= Date.parse(range.to); at += everySeconds * 1000) covered.add(at);
  }
  const first = Math.min(...covered);
  const last = Math.max(...covered);
  const lost: string[] = [];
  for (let at = first; at <= last; at += everySeconds * 1000) if (!covered.has(at)) lost.push(new Date(at).toISOString());
  return lost;
}
