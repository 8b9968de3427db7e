import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import { parseTrace, replayTrace, TraceError } from '../../agent/replay.ts';

const config = parseConfigText(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), { path: DEFAULT_CONFIG_PATH, origin: 'default' }, {}).config;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

// Reference prices per 1M tokens, written out by hand: the catalogue rows (config/catalogue.yaml)
// in force since 2026-07-09 for the shipped tiers' first models.
const perMillion = (tokens: number, usd: number) => (tokens * usd) / 1_000_000;
const trace = [
  { task: 'summarise the unread newsletters from this morning in three bullets', input_tokens: 4_000, output_tokens: 400 },
  { task: 'write a python script that renames my photos by their EXIF date', input_tokens: 1_500, output_tokens: 900 },
  { task: 'weigh the trade-offs of paying off my mortgage early versus investing the money, and recommend one', input_tokens: 6_000, output_tokens: 2_000 },
  { task: 'summarise this', input_tokens: 100_000, output_tokens: 1_000 },
];
const expected = {
  // gpt-5.6-luna 0.20/1.20, gpt-5.6-terra 2/12 (execution and large-context; 100K input is under
  // its 272K surcharge threshold), gpt-5.6-sol 4/20; flagship gpt-5.6-sol.
  routed: perMillion(4_000, 0.2) + perMillion(400, 1.2) + perMillion(1_500, 2) + perMillion(900, 12) + perMillion(6_000, 4) + perMillion(2_000, 20) + perMillion(100_000, 2) + perMillion(1_000, 12),
  flagship: perMillion(4_000 + 1_500 + 6_000 + 100_000, 4) + perMillion(400 + 900 + 2_000 + 1_000, 20),
};

test('a replayed trace is billed exactly as hand-computed, tier by tier', async () => {
  const lines = parseTrace(trace.map((line) => JSON.stringify(line)).join('\n'), 'trace.jsonl');
  const report = await replayTrace(config, lines);
  assert.equal(report.tasks, 4);
  assert.deepEqual(report.decisions.map((decision) => [decision.tier, decision.model]), [
    ['orchestration', config.tiers.orchestration[0]],
    ['execution', config.tiers.execution[0]],
    ['reasoning', config.tiers.reasoning[0]],
    ['large-context', config.tiers['large-context'][0]],
  ]);
  assert.deepEqual([config.tiers.orchestration[0], config.tiers.execution[0], config.tiers.reasoning[0], config.tiers['large-context'][0], config.flagship], ['gpt-5.6-luna', 'gpt-5.6-terra', 'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-sol'], 'the prices above are these models\'');
  assert.ok(Math.abs(report.routedCostUsd - expected.routed) < 1e-9, `${report.routedCostUsd} vs ${expected.routed}`);
  assert.ok(Math.abs(report.flagshipCostUsd - expected.flagship) < 1e-9);
  assert.ok(report.savingsRatio !== null && Math.abs(report.savingsRatio - expected.flagship / expected.routed) < 1e-9);
  assert.ok(report.percentSaved !== null && Math.abs(report.percentSaved - 100 * (1 - expected.routed / expected.flagship)) < 1e-9);
  assert.equal(report.byTier.execution.tasks, 1);
  assert.ok(Math.abs(report.byTier.execution.costUsd - (perMillion(1_500, 2) + perMillion(900, 12))) < 1e-12);
  assert.equal(report.simulated, true);
});

test('replay --json through the CLI prints the documented fields', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-'));
  const file = join(dir, 'day.jsonl');
  writeFileSync(file, `${trace.map((line) => JSON.stringify({ ...line, note: 'ignored' })).join('\n')}\n`);
  const result = spawnSync(process.execPath, [bin, 'replay', file, '--json', '--data-dir', join(dir, 'data')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as Record<string, unknown> & { decisions: Array<{ tier: string; model: string }>; byTier: Record<string, { tasks: number; costUsd: number }> };
  for (const key of ['tasks', 'routedCostUsd', 'flagshipCostUsd', 'savingsRatio', 'byTier', 'decisions']) assert.ok(key in report, key);
  assert.equal(report.tasks, 4);
  assert.equal(report.decisions.length, 4);
  assert.equal(report.byTier['large-context'].tasks, 1);
  assert.ok(Math.abs((report.routedCostUsd as number) - expected.routed) < 1e-9);
});

test('a bad trace line is named by file and line, exit 2', () => {
  assert.throws(() => parseTrace('{"task":"a","input_tokens":1,"output_tokens":1}\n{"task":"b","input_tokens":-3,"output_tokens":1}', 't.jsonl'), (error: unknown) => error instanceof TraceError && /t\.jsonl:2: "input_tokens" must be a non-negative integer, found -3/.test(error.message));
  assert.throws(() => parseTrace('not json', 't.jsonl'), /t\.jsonl:1: not valid JSON/);
  assert.throws(() => parseTrace('\n\n', 't.jsonl'), /the trace has no lines/);
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-'));
  writeFileSync(join(dir, 'bad.jsonl'), '{"task": 3}\n');
  const result = spawnSync(process.execPath, [bin, 'replay', join(dir, 'bad.jsonl')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /bad\.jsonl:1: "task" must be a non-empty string/);
});
