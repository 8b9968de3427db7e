// Fault: kill -9 of a `switchboard run` process while its command job's child works. The next
// command that reads runs (`runs`) shows the run interrupted, not running, and ends the orphaned
// child; a new `run` of the job is not blocked by the dead one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { aFaultWorkspace, processAlive, readLines, readRuns, until, writeFaultConfig } from './harness.ts';

test('kill -9 of `switchboard run`: runs shows it interrupted and ends its child; the job can run again', async () => {
  const workspace = aFaultWorkspace();
  const pids = join(workspace.dir, 'pids');
  const marker = join(workspace.dir, 'done');
  writeFaultConfig(workspace.config, {
    slow: { schedule: '0 3 * * *', skill: 'command', options: { command: ['sh', '-c', `if [ -e ${marker}.first ]; then echo ok > ${marker}; else touch ${marker}.first; echo $$ >> ${pids}; sleep 300; fi`] } },
  });

  const runner = workspace.background('run', 'slow');
  const [child] = await until(() => (readLines(pids).length === 1 ? readLines(pids).map(Number) : undefined), 'the child pid');
  const exited = new Promise((resolve) => runner.once('exit', resolve));
  process.kill(runner.pid!, 'SIGKILL');
  await exited;
  assert.ok(processAlive(child), 'the child outlived the killed run process');

  const runs = workspace.cli('runs');
  assert.equal(runs.status, 0, runs.stderr);
  assert.match(runs.stdout, /slow .* interrupted .*stopped before it finished/);
  assert.doesNotMatch(runs.stdout, /slow\s+\S+\s+running/);
  await until(() => !processAlive(child), 'the orphaned child to be ended', 10_000);

  const again = workspace.cli('run', 'slow');
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.deepEqual(readRuns(workspace.dataDir).map((run) => run.status), ['interrupted', 'succeeded']);
});
