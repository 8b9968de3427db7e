/**
 * After `switchboard demo`, the commands it names (`--demo bill`, `--demo runs`, ...) show the
 * demo's day from the same data dir; without `--demo`, the user's own data holds no demo row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

test('the demo ends with the commands to look further, and each of them shows the demo day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-demo-look-'));
  const dataDir = join(dir, 'data');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' }, timeout: 120_000 });

  const demo = cli('demo');
  assert.equal(demo.status, 0, demo.stderr);
  const tail = demo.stdout.trimEnd().split('\n').slice(-6);
  assert.equal(tail[0], 'Look further:');
  const commands = tail.slice(1).map((line) => line.trim().split(/ {2,}/)[0]);
  assert.deepEqual(commands, [
    `switchboard --data-dir ${dataDir} --demo bill`,
    `switchboard --data-dir ${dataDir} --demo runs`,
    `switchboard --data-dir ${dataDir} --demo status`,
    `switchboard --data-dir ${dataDir} --demo inbox`,
    'switchboard init',
  ]);

  const demoBill = cli('--demo', 'bill', '--json');
  assert.equal(demoBill.status, 0, demoBill.stderr);
  const bill = JSON.parse(demoBill.stdout) as { totals: { calls: number; costUsd: number }; simulatedCalls: number };
  assert.ok(bill.totals.calls > 0, 'the demo day is on the bill');
  assert.equal(bill.simulatedCalls, bill.totals.calls, 'and labelled simulated');

  const demoRuns = cli('--demo', 'runs');
  assert.equal(demoRuns.status, 0, demoRuns.stderr);
  for (const job of ['code-fix', 'inbox', 'markets', 'research', 'morning-briefing']) assert.match(demoRuns.stdout, new RegExp(job));

  const ownBill = cli('bill');
  assert.equal(ownBill.status, 0, ownBill.stderr);
  assert.match(ownBill.stdout, /No calls in this period/, "the user's own month holds no demo row");
});

test('--demo before any demo run says what to run first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-demo-none-'));
  const result = spawnSync(process.execPath, [bin, '--data-dir', join(dir, 'data'), '--demo', 'bill'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /no demo data in .*; run `switchboard demo` first/);
});
