/**
 * Replay holds one trace line at a time: `readTrace` reads the JSONL file line by line
 * (naming file:line of a bad one), and `replayTrace` with `onDecision` hands each decision
 * over instead of keeping it, so a long trace replays in flat memory. `replay --json` writes
 * the decisions as they are made and is still one JSON object.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, findConfig, loadConfig } from '../../config/load.ts';
import { readTrace, replayTrace, TraceError, type ReplayDecision, type TraceLine } from '../../agent/replay.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function aTraceFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-trace-')), 'day.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const aLine = (index: number) => JSON.stringify({ task: `Summarise note ${index}`, input_tokens: 200 + index, output_tokens: 50 });

test('readTrace yields each line in order, skipping blank ones', async () => {
  const file = aTraceFile([aLine(1), '', aLine(2), aLine(3)]);
  const read: TraceLine[] = [];
  for await (const line of readTrace(file)) read.push(line);
  assert.deepEqual(read.map((line) => line.inputTokens), [201, 202, 203]);
});

test('a bad line is named by file and line number, after the good ones before it were yielded', async () => {
  const file = aTraceFile([aLine(1), aLine(2), '{"task":"x","input_tokens":"many","output_tokens":1}']);
  const read: TraceLine[] = [];
  await assert.rejects(
    async () => {
      for await (const line of readTrace(file)) read.push(line);
    },
    (error: unknown) => error instanceof TraceError && error.message === `${file}:3: "input_tokens" must be a non-negative integer, found "many"`,
  );
  assert.equal(read.length, 2);
  await assert.rejects(async () => {
    for await (const _ of readTrace(aTraceFile(['', '']))) void _;
  }, /the trace has no lines/);
});

test('with onDecision the report keeps no decisions, and every decision was handed over in order', async () => {
  const { config } = loadConfig(findConfig(DEFAULT_CONFIG_PATH, {}), {});
  const file = aTraceFile(Array.from({ length: 30 }, (_, index) => aLine(index)));
  const handed: ReplayDecision[] = [];
  const report = await replayTrace(config, readTrace(file), { onDecision: (decision) => handed.push(decision) });
  assert.equal(report.tasks, 30);
  assert.equal(report.decisions, undefined);
  assert.equal(handed.length, 30);
  assert.ok(Math.abs(handed.reduce((sum, decision) => sum + decision.costUsd, 0) - report.routedCostUsd) < 1e-12);
});

test('replay --json streams its decisions and still prints one JSON object', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-stream-'));
  const file = aTraceFile(Array.from({ length: 12 }, (_, index) => aLine(index)));
  const result = spawnSync(process.execPath, [bin, 'replay', file, '--json', '--data-dir', join(dir, 'data')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { tasks: number; decisions: ReplayDecision[]; routedCostUsd: number };
  assert.equal(report.tasks, 12);
  assert.equal(report.decisions.length, 12);
  assert.ok(Math.abs(report.decisions.reduce((sum, decision) => sum + decision.costUsd, 0) - report.routedCostUsd) < 1e-12);
});
