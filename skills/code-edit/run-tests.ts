/**
 * Running the repository's test command: no shell, a minimal environment (model-written code
 * runs here, so the daemon's keys must not), a timeout, and the run's abort signal. The whole
 * process group is killed so a test runner's children do not outlive it.
 */
import { spawn } from 'node:child_process';
import type { TestOutcome } from './types.ts';

const OUTPUT_TAIL_CHARS = 8_000;

/** The environment a test command gets by default: enough to find tools, nothing secret. */
export function minimalTestEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM', 'SHELL'];
  const result: NodeJS.ProcessEnv = { CI: '1' };
  for (const name of keep) if (env[name] !== undefined) result[name] = env[name];
  return result;
}

/**
 * Runs `command` in `cwd`. Resolves with the outcome (a non-zero exit, a timeout or a command
 * that cannot start is a failed outcome, not an exception); rejects only when `signal` aborts.
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
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: options.env,
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
