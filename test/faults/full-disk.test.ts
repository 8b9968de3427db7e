// Fault: the disk holding the data dir fills up (a small tmpfs, filled to the last byte) across
// several slots, then space comes back. Runs that could not write their work fail honestly, run
// ends and slot claims that could not be written are retried until they are: no row is left
// running, the job is not stuck, no slot is lost or run twice. Skipped when tmpfs cannot be mounted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aFaultWorkspace, readLines, readRuns, sleep, unaccountedSlots, until, writeFaultConfig } from './harness.ts';

function mountTmpfs(): string | undefined {
  const mountPoint = mkdtempSync(join(tmpdir(), 'sb-fulldisk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  return mounted.status === 0 ? mountPoint : undefined;
}

test('a full disk across slots: honest failures while full, every slot recorded after, nothing stuck', async (t) => {
  const mountPoint = mountTmpfs();
  if (!mountPoint) return t.skip('cannot mount a tmpfs here (not root, or no mount permission)');
  t.after(() => spawnSync('umount', ['-l', mountPoint]));
  const dataDir = join(mountPoint, 'data');
  mkdirSync(dataDir);
  const workspace = aFaultWorkspace(dataDir);
  const keys = join(mountPoint, 'keys');
  writeFaultConfig(workspace.config, {
    tick: { schedule: '*/2 * * * * *', skill: 'command', options: { command: ['sh', '-c', `echo "$SWITCHBOARD_IDEMPOTENCY_KEY" >> ${keys}`] } },
  });
  const daemon = workspace.daemon();
  await daemon.waitForLine(/"event":"job-end"/);

  const filler = join(mountPoint, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { encoding: 'utf8' });
  const filledAt = Date.now();
  await sleep(5_000);
  rmSync(filler);
  await until(() => readRuns(dataDir).some((run) => Date.parse(run.slot) > filledAt + 6_000 && run.status === 'succeeded'), 'a slot after the disk has room again to run', 30_000);
  daemon.child.kill('SIGTERM');
  assert.equal((await daemon.exited).code, 0, daemon.lines.join('\n'));

  const runs = readRuns(dataDir);
  assert.ok(!runs.some((run) => run.status === 'running' || run.status === 'queued'), `no row left running: ${JSON.stringify(runs.map((run) => [run.slot, run.status]))}`);
  assert.deepEqual(unaccountedSlots(runs, 2), []);
  assert.equal(new Set(runs.map((run) => run.idempotency_key)).size, runs.length);
  const effects = readLines(keys);
  assert.equal(new Set(effects).size, effects.length, 'no slot did its work twice');
  // A run is succeeded only if its work landed: every succeeded scheduled run's key is in the file.
  for (const run of runs.filter((row) => row.status === 'succeeded')) assert.ok(effects.includes(run.idempotency_key), `${run.slot} claims success without its effect`);
});
