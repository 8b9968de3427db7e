/**
 * The built-in `command` skill: runs a configured program, like a cron line with Switchboard's
 * guarantees (one run per slot, timeout, cancel, run history). No model is involved.
 *
 *   jobs:
 *     nightly-backup:
 *       schedule: "0 3 * * *"
 *       skill: command
 *       options:
 *         command: [restic, backup, /srv]   # program and arguments; no shell
 *         cwd: /srv                          # optional, default the data dir
 *         env: { RESTIC_REPOSITORY: /mnt/backup }
 *         idempotent: true                   # optional: safe to re-run on the same slot key
 *
 * The child gets an allow-listed environment (PATH, HOME, LANG, LC_*, TZ, TMPDIR, USER,
 * LOGNAME: skills/child-env.ts), the `env` the job names, and SWITCHBOARD_IDEMPOTENCY_KEY
 * (stable per slot, also on a retry), SWITCHBOARD_JOB and SWITCHBOARD_RUN_ID, so a script can
 * skip work it already did. Never the daemon's keys or passwords: an `env` value holding a
 * secret Switchboard loaded fails the run before the program starts.
 * A non-zero exit fails the run with the tail of stderr (secrets redacted).
 * The child leads its own process group: the abort signal (timeout, cancel, shutdown) sends
 * SIGTERM to the whole group, then SIGKILL 5 s later, and the group is adopted by the run so
 * nothing it started outlives the run (or, after a crash, the next daemon start). An
 * interrupted run is retried (with `retryInterrupted`) only when the job says
 * `idempotent: true`: only the script knows whether it skips work it already did.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Skill, SkillContext, SkillResult } from '../types.ts';
import { childEnvironment } from '../child-env.ts';
import { assertKnownOptionKeys } from '../option-keys.ts';

const TAIL_BYTES = 2_000;
const KILL_AFTER_MS = 5_000;

export interface CommandOptions {
  command: string[];
  cwd?: string;
  env: Record<string, string>;
  idempotent: boolean;
}

const OPTION_KEYS = ['command', 'cwd', 'env', 'idempotent'] as const;

/** Reads `options` of a command job; throws naming the key when they are malformed. */
export function parseCommandOptions(job: string, options: Record<string, unknown>): CommandOptions {
  assertKnownOptionKeys(options, OPTION_KEYS, job, 'command');
  const command = options.command;
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
    throw new Error(`jobs.${job}.options.command: expected a non-empty list of strings (program and arguments)`);
  }
  if (options.cwd !== undefined && typeof options.cwd !== 'string') throw new Error(`jobs.${job}.options.cwd: expected a path`);
  const env = options.env ?? {};
  if (typeof env !== 'object' || env === null || Object.values(env).some((value) => typeof value !== 'string')) {
    throw new Error(`jobs.${job}.options.env: expected a mapping of names to strings`);
  }
  if (options.idempotent !== undefined && typeof options.idempotent !== 'boolean') throw new Error(`jobs.${job}.options.idempotent: expected true or false`);
  return { command, cwd: options.cwd as string | undefined, env: env as Record<string, string>, idempotent: options.idempotent === true };
}

export function createCommandSkill(): Skill {
  return {
    name: 'command',
    checkOptions: (options, job) => void parseCommandOptions(job, options),
    retrySafe: (options) => options.idempotent === true,
    description: 'Runs a configured program (options.command) with the run idempotency key in its environment.',
    run: (context, signal) => runCommand(context, signal),
  };
}

async function runCommand(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
  const options = parseCommandOptions(context.job, context.options);
  const [program, ...args] = options.command;
  const env = childEnvironment({
    configured: options.env,
    configuredAt: `jobs.${context.job}.options.env`,
    secrets: context.secrets,
    own: {
      SWITCHBOARD_IDEMPOTENCY_KEY: context.idempotencyKey,
      SWITCHBOARD_JOB: context.job,
      SWITCHBOARD_RUN_ID: String(context.runId),
    },
  });
  const scrub = (text: string) => (context.secrets ? context.secrets.redact(text) : text);
  return new Promise((resolvePromise, reject) => {
    if (signal.aborted) return reject(new Error('aborted before start'));
    const child = spawn(program, args, {
      cwd: options.cwd ? resolve(context.dataDir, options.cwd) : context.dataDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stopping the run reaches its grandchildren too.
      detached: true,
    });
    if (child.pid !== undefined) context.adoptProcessGroup?.(child.pid);
    let stdoutTail = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutTail = (stdoutTail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (name: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        child.kill(name);
      }
    };
    const onAbort = () => {
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error(`cannot start ${program}: ${error.message}`));
    });
    child.on('close', (code, killedBy) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (code === 0) {
        resolvePromise({ summary: `${program} exited 0`, details: { exitCode: 0, stdoutTail: scrub(stdoutTail.trim()) } });
        return;
      }
      const how = killedBy ? `was killed by ${killedBy}` : `exited ${code}`;
      const tail = scrub(stderrTail.trim());
      reject(new Error(`${program} ${how}${tail ? `: ${tail}` : ''}`));
    });
  });
}
