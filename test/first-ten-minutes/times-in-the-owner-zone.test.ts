/**
 * Every human-readable time is in the owner's time zone (config `timezone`), with the zone
 * named; "spend today" is the owner's calendar day, not the UTC one. Colour appears only on a
 * terminal and never under NO_COLOR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordCall } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';
import { spendOnLocalDay } from '../../agent/cli/commands/status.ts';
import { localDayBounds, localTime, paintFor, table } from '../../agent/cli/terminal.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const ptySession = join(import.meta.dirname, '..', 'helpers', 'pty-session.py');

function aCall(startedAt: string, costUsd: number) {
  return {
    startedAt: new Date(startedAt),
    tier: 'orchestration',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd,
    flagshipCostUsd: costUsd * 10,
    latencyMs: 5,
    outcome: 'ok' as const,
    simulated: false,
  };
}

test("a local day's bounds follow the zone, across a daylight-saving change", () => {
  assert.deepEqual(
    Object.values(localDayBounds('2026-12-02', 'Pacific/Auckland')).map((date) => date.toISOString()),
    ['2026-12-01T11:00:00.000Z', '2026-12-02T11:00:00.000Z'],
  );
  const paris = localDayBounds('2026-03-29', 'Europe/Paris');
  assert.equal(paris.start.toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(paris.end.toISOString(), '2026-03-29T22:00:00.000Z', 'the spring-forward day is 23 hours long');
  assert.equal(localTime('2026-12-01T18:30:00Z', 'Pacific/Auckland'), '2026-12-02 07:30');
});

test("spend today sums the owner's day, whatever the UTC date says", () => {
  const db = openStore(':memory:');
  recordCall(db, aCall('2026-12-01T10:59:00Z', 1)); // 1 Dec 23:59 in Auckland
  recordCall(db, aCall('2026-12-01T11:00:00Z', 2)); // 2 Dec 00:00 in Auckland, still 1 Dec in UTC
  recordCall(db, aCall('2026-12-02T10:00:00Z', 4)); // 2 Dec 23:00 in Auckland
  assert.equal(spendOnLocalDay(db, '2026-12-02', 'Pacific/Auckland'), 6);
  assert.equal(spendOnLocalDay(db, '2026-12-01', 'UTC'), 3);
});

function aWorkspace(zone: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-zone-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, [`timezone: ${zone}`, 'jobs:', '  hello: { schedule: "0 3 * * *", skill: command, options: { command: [sh, -c, "echo hello"] } }', ''].join('\n'));
  const args = ['--config', config, '--data-dir', join(dir, 'data')];
  return { dir, args };
}

test('status and runs print times in the owner zone and name it', () => {
  const { dir, args } = aWorkspace('Asia/Kolkata');
  const env = { PATH: process.env.PATH, HOME: dir, TZ: 'UTC' };
  assert.equal(spawnSync(process.execPath, [bin, ...args, 'run', 'hello'], { encoding: 'utf8', env }).status, 0);
  const status = spawnSync(process.execPath, [bin, ...args, 'status'], { encoding: 'utf8', env });
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /next \(Asia\/Kolkata\)/);
  assert.match(status.stdout, /hello +command +0 3 \* \* \* +\d{4}-\d{2}-\d{2} 03:00 /, 'the 03:00 slot reads 03:00 in the owner zone');
  assert.match(status.stdout, /spend today \(\d{4}-\d{2}-\d{2}, Asia\/Kolkata\): \$0\.0000/);
  assert.doesNotMatch(status.stdout, /\u001b\[/, 'no colour into a pipe');

  const runs = spawnSync(process.execPath, [bin, ...args, 'runs'], { encoding: 'utf8', env });
  assert.match(runs.stdout, /^run +started \(Asia\/Kolkata\) +job +outcome +took +cost +result$/m);
  const started = JSON.parse(spawnSync(process.execPath, [bin, ...args, 'runs', '--json'], { encoding: 'utf8', env }).stdout)[0].startedAt as string;
  assert.match(runs.stdout, new RegExp(`^ +1 +${localTime(started, 'Asia/Kolkata')} +hello +succeeded`, 'm'));
});

test('colour on a terminal, none under NO_COLOR', () => {
  assert.equal(paintFor({ isTTY: true }, {}).green('ok'), '\u001b[32mok\u001b[39m');
  assert.equal(paintFor({ isTTY: true }, { NO_COLOR: '1' }).green('ok'), 'ok');
  assert.equal(paintFor({ isTTY: false }, {}).green('ok'), 'ok');
  assert.equal(table([['a', '\u001b[32mok\u001b[39m', 'x'], ['long name', 'failed', 'y']]), 'a          \u001b[32mok\u001b[39m      x\nlong name  failed  y');

  const { dir, args } = aWorkspace('UTC');
  spawnSync(process.execPath, [bin, ...args, 'run', 'hello'], { env: { PATH: process.env.PATH, HOME: dir } });
  const underTerminal = (extra: string[]) => {
    const command = ['/usr/bin/env', `HOME=${dir}`, `PATH=${process.env.PATH}`, ...extra, process.execPath, bin, ...args, 'runs'];
    return JSON.parse(spawnSync('python3', [ptySession, JSON.stringify(command), '[]'], { encoding: 'utf8' }).stdout) as { output: string };
  };
  assert.match(underTerminal([]).output, /\u001b\[32msucceeded\u001b\[39m/);
  assert.doesNotMatch(underTerminal(['NO_COLOR=1']).output, /\u001b\[/);
});
