import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';
import { billBaselines } from '../../agent/bill-baselines.ts';
import { parseTrace, replayTrace, repriceLedger } from '../../agent/replay.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { recordCall } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';

const config = parseConfigText(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), { path: DEFAULT_CONFIG_PATH, origin: 'default' }, {}).config;
const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const perMillion = (tokens: number, usd: number) => (tokens * usd) / 1_000_000;
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

// The shipped tiers' first models and their prices per 1M tokens (config/catalogue.yaml, since
// 2026-07-09): gpt-5.6-luna 0.20/1.20 (orchestration), gpt-5.6-terra 2/12 (execution,
// large-context), gpt-5.6-sol 4/20 (reasoning, and the flagship).
const trace = [
  { task: 'summarise the unread newsletters from this morning in three bullets', input_tokens: 4_000, output_tokens: 400 },
  { task: 'write a python script that renames my photos by their EXIF date', input_tokens: 1_500, output_tokens: 900 },
  { task: 'weigh the trade-offs of paying off my mortgage early versus investing the money, and recommend one', input_tokens: 6_000, output_tokens: 2_000 },
];
const input = 4_000 + 1_500 + 6_000;
const output = 400 + 900 + 2_000;
const routed = perMillion(4_000, 0.2) + perMillion(400, 1.2) + perMillion(1_500, 2) + perMillion(900, 12) + perMillion(6_000, 4) + perMillion(2_000, 20);

test('a replay sets the routed cost against the flagship, the execution tier\'s first model and a named one, with the premium\'s purchases', async () => {
  assert.deepEqual([config.tiers.orchestration[0], config.tiers.execution[0], config.tiers.reasoning[0], config.flagship], ['gpt-5.6-luna', 'gpt-5.6-terra', 'gpt-5.6-sol', 'gpt-5.6-sol']);
  const baselines = billBaselines(config, resolveModels(config), 'gpt-5.6-luna');
  const report = await replayTrace(config, parseTrace(trace.map((line) => JSON.stringify(line)).join('\n'), 'trace.jsonl'), { baselines });
  close(report.routedCostUsd, routed);
  const [flagship, execution, named] = report.baselines;

  assert.deepEqual([flagship.role, flagship.model], ['flagship', 'gpt-5.6-sol']);
  close(flagship.baselineCostUsd, perMillion(input, 4) + perMillion(output, 20));
  assert.ok(flagship.savedUsd > 0);
  assert.deepEqual(flagship.premium, []);

  // All on gpt-5.6-terra would cost less: the reasoning task on gpt-5.6-sol is the premium.
  assert.deepEqual([execution.role, execution.model], ['execution', 'gpt-5.6-terra']);
  close(execution.baselineCostUsd, perMillion(input, 2) + perMillion(output, 12));
  close(execution.savedUsd, execution.baselineCostUsd - routed);
  assert.ok(execution.savedUsd < 0);
  assert.deepEqual(execution.premium.map((line) => [line.tier, line.job, line.calls]), [['reasoning', '(ad hoc)', 1]]);
  close(execution.premium[0].routedCostUsd, perMillion(6_000, 4) + perMillion(2_000, 20));

  assert.deepEqual([named.role, named.model], ['named', 'gpt-5.6-luna']);
  close(named.baselineCostUsd, perMillion(input, 0.2) + perMillion(output, 1.2));
  assert.deepEqual(named.premium.map((line) => line.tier), ['reasoning', 'execution']);
});

test('replay --baseline prints each baseline as simulated, a premium as a premium, and refuses an unknown model with exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-replay-baselines-'));
  const file = join(dir, 'day.jsonl');
  writeFileSync(file, `${trace.map((line) => JSON.stringify(line)).join('\n')}\n`);
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'replay', file, '--data-dir', join(dir, 'data'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 120_000 });
  const result = run('--baseline', 'gpt-5.6-luna');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ {2}all on gpt-5\.6-sol \(flagship\): \$0\.\d+ \(simulated\); routing saved \$0\.\d+ \(\d+\.\d%\)$/m);
  assert.match(result.stdout, /^ {2}all on gpt-5\.6-terra \(execution tier's first model\): \$0\.\d+ \(simulated\); premium: routing cost \$0\.\d+ more \(\d+\.\d%\)$/m);
  assert.match(result.stdout, /^ {2}all on gpt-5\.6-luna \(named\): /m);
  assert.match(result.stdout, /^ {6}reasoning for \(ad hoc\): 1 call, \$0\.064000 routed vs \$0\.036000$/m);
  assert.doesNotMatch(result.stdout, /gpt-5\.6-terra[^\n]*saved/);
  const unknown = run('--baseline', 'gpt-9');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--baseline: no model "gpt-9" in the config/);
});

test('replay --from-ledger sets the re-priced cost against every baseline from the same recorded usage', async () => {
  const db = openStore(':memory:');
  const usage = { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 500, reasoningTokens: 0 };
  const base = { startedAt: new Date('2026-11-03T08:00:00Z'), provider: 'openai', usage, costUsd: 0.01, flagshipCostUsd: 0, latencyMs: 5, outcome: 'ok' as const, simulated: false, job: 'research' };
  recordCall(db, { ...base, tier: 'reasoning', model: 'gpt-5.6-sol', task: { tier: 'reasoning' } });
  recordCall(db, { ...base, tier: 'execution', model: 'gpt-5.6-terra', task: { tier: 'execution' } });
  const report = await repriceLedger(db, config, {}, billBaselines(config, resolveModels(config)));
  close(report.repricedCostUsd, perMillion(1_000, 4) + perMillion(500, 20) + perMillion(1_000, 2) + perMillion(500, 12));
  const [flagship, execution] = report.baselines;
  close(flagship.baselineCostUsd, 2 * (perMillion(1_000, 4) + perMillion(500, 20)));
  close(execution.baselineCostUsd, 2 * (perMillion(1_000, 2) + perMillion(500, 12)));
  close(execution.routedCostUsd, report.repricedCostUsd);
  assert.deepEqual(execution.premium.map((line) => [line.tier, line.job]), [['reasoning', 'research']]);
});
