/**
 * Running the repository's test command: no shell, a minimal environment and a scratch HOME
 * (model-written code runs here, so neither the daemon's keys nor the files in its HOME may be
 * reachable), a timeout, and the run's abort signal. The whole process group is killed so a
 * test runner's children do not outlive it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment } from '../child-env.ts';
import type { TestOutcome } from './types.ts';

const OUTPUT_TAIL_CHARS = 8_000;

/** The environment a test command gets by default: the child allow-list and CI=1, nothing secret. */
export function minimalTestEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return childEnvironment({ parent: env, own: { CI: '1' } });
}

/**
 * Runs `command` in `cwd` with `env`, HOME replaced by a fresh empty directory that is removed
 * afterwards. Resolves with the outcome (a non-zero exit, a timeout or a command that cannot
 * start is a failed outcome, not an exception); rejects only when `signal` aborts.
 */
export function runTestCommand(
  command: string[],
  cwd: string,
  options: { timeoutMs: number; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<TestOutcome> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
    let output = '';
    let timedOut = false;
    let settled = false;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS * 2);
    };
    const home = mkdtempSync(join(tmpdir(), 'switchboard-test-home-'));
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: { ...options.env, HOME: home },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => killGroup();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const finish = (exitCode: number | null, extra?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
      let tail = output.slice(-OUTPUT_TAIL_CHARS);
      if (extra) tail += `${tail ? '\n' : ''}${extra}`;
      if (timedOut) tail += `${tail ? '\n' : ''}(killed after ${options.timeoutMs} ms)`;
      resolve({ command, passed: exitCode === 0 && !timedOut, exitCode, timedOut, output: tail });
    };
    child.on('error', (error) => finish(null, `could not start ${command[0]}: ${error.message}`));
    child.on('close', (code) => finish(code));
  });
}
