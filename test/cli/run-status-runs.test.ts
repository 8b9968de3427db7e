/**
 * The control commands through the real CLI: `run` executes a job now under its own key and
 * refuses a second copy while the first runs; `status`, `runs` and `runs show` report it;
 * `runs cancel` stops a running run from another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function aWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-control-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'providers: { p: { api: openai, keyless: true } }',
      'models: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }',
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }',
      'flagship: gpt-5.6-sol',
      'timezone: UTC',
      'jobs:',
      '  quick: { schedule: "0 3 * * *", skill: command, options: { command: [sh, -c, "echo done"] } }',
      '  slow: { schedule: "0 4 * * *", skill: command, options: { command: [sleep, "60"] } }',
      '',
    ].join('\n'),
  );
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, '--config', config, '--data-dir', join(dir, 'data'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  const background = (...args: string[]) => spawn(process.execPath, [bin, '--config', config, '--data-dir', join(dir, 'data'), ...args], { stdio: 'ignore', env: { PATH: process.env.PATH, HOME: dir } });
  return { cli, background };
}

async function until<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('run, then status, runs and runs show tell the same story', () => {
  const { cli } = aWorkspace();
  const run = cli('run', 'quick');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^run 1 quick: succeeded/);

  const status = JSON.parse(cli('status', '--json').stdout) as { daemon: { running: boolean }; jobs: Array<{ name: string; nextSlot: string; lastRun: { id: number; status: string } | null }> };
  assert.equal(status.daemon.running, false);
  const quick = status.jobs.find((job) => job.name === 'quick')!;
  assert.equal(quick.lastRun?.status, 'succeeded');
  assert.match(quick.nextSlot, /T03:00:00\.000Z$/);
  assert.equal(status.jobs.find((job) => job.name === 'slow')!.lastRun, null);

  const runs = JSON.parse(cli('runs', '--json').stdout) as Array<{ id: number; job: string; status: string; trigger: string; idempotencyKey: string }>;
  assert.equal(runs.length, 1);
  assert.equal(runs[0].trigger, 'manual');
  assert.match(runs[0].idempotencyKey, /^quick@manual:/);
  const show = cli('runs', 'show', '1');
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /quick/);
  assert.match(show.stdout, /succeeded/);

  const unknown = cli('run', 'nope');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no job named "nope".*jobs: morning-briefing, quick, slow/);
});

test('a second run of a job that is running is refused, and runs cancel stops the first', async () => {
  const { cli, background } = aWorkspace();
  const first = background('run', 'slow');
  const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  try {
    const running = await until(() => {
      const result = cli('runs', '--json');
      const rows = result.status === 0 ? (JSON.parse(result.stdout) as Array<{ id: number; status: string }>) : [];
      return rows.find((row) => row.status === 'running');
    });
    const second = cli('run', 'slow');
    assert.equal(second.status, 1);
    assert.match(second.stderr, /job slow is already running \(run \d+, pid \d+\)/);

    const cancel = cli('runs', 'cancel', String(running.id));
    assert.equal(cancel.status, 0, cancel.stderr);
    assert.equal(await exited, 1, 'the cancelled run ends its process with a failure status');
    const after = JSON.parse(cli('runs', '--json').stdout) as Array<{ id: number; status: string }>;
    assert.equal(after.find((row) => row.id === running.id)?.status, 'cancelled');
    assert.equal(after.length, 1, 'the refused run left no row');
  } finally {
    first.kill('SIGKILL');
  }
});
