// Spawns `switchboard start` as a real process for the daemon tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

export function aWorkspace(): { dir: string; config: string; dataDir: string; keys: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-daemon-'));
  return { dir, config: join(dir, 'config.yaml'), dataDir: join(dir, 'data'), keys: join(dir, 'keys.txt') };
}

/** A config with one `command` job every second that runs `script` (sh) and then appends its key. */
export function writeConfig(path: string, keysFile: string, job: { script?: string; retryInterrupted?: boolean } = {}): void {
  const script = `${job.script ?? ''} echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${keysFile}`;
  writeFileSync(
    path,
    [
      'version: 1',
      'log: { level: debug }',
      'providers: { p: { api: openai, keyless: true } }',
      'models: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
      'flagship: gpt-5.6-sol',
      'timezone: UTC',
      'daemon: { shutdownGrace: 3s }',
      'jobs:',
      // The shipped default's jobs are merged under a config file: this daemon runs only its own.
      '  morning-briefing: { enabled: false }',
      '  every-second:',
      '    schedule: "* * * * * *"',
      '    skill: command',
      `    retryInterrupted: ${job.retryInterrupted ?? false}`,
      // The script appends its key once per run: redoing an interrupted run is safe, and the job says so.
      `    options: { command: [sh, -c, ${JSON.stringify(script)}], idempotent: true }`,
      '',
    ].join('\n'),
  );
}

export interface DaemonProcess {
  child: ChildProcess;
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Daemons still running when a test file ends (a test failed before stopping its own). */
const live = new Set<ChildProcess>();
after(() => {
  // Their process group too: the job's children must not outlive the test file.
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

export function spawnDaemon(workspace: { config: string; dataDir: string }): DaemonProcess {
  // Own process group, so kill -9 of the group takes the job's children too, as systemd does.
  // No dashboard: daemons of parallel test files would race for its port (a user's daemon serves it by default).
  const child = spawn(process.execPath, [BIN, '--config', workspace.config, '--data-dir', workspace.dataDir, 'start', '--no-dashboard'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((candidate) => candidate.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString('utf8')}`));
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      const found = lines.find((line) => pattern.test(line));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
  };
}

export interface RunRow {
  id: number;
  slot: string;
  idempotency_key: string;
  status: string;
  attempt: number;
  trigger: string;
}

export function readRuns(dataDir: string): RunRow[] {
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  try {
    return db.prepare(`SELECT id, slot, idempotency_key, status, attempt, trigger FROM job_runs ORDER BY slot`).all() as RunRow[];
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The recorded process group of each run that has one (the command skill's children). */
export function readRunGroups(dataDir: string): Map<number, number> {
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT id, pgid FROM job_runs WHERE pgid IS NOT NULL`).all() as Array<{ id: number; pgid: number }>;
    return new Map(rows.map((row) => [row.id, row.pgid]));
  } finally {
    db.close();
  }
}
