import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { recordCall, type CallRecord } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const perMillion = (tokens: number, usd: number) => (tokens * usd) / 1_000_000;

function aCall(overrides: Partial<CallRecord>): CallRecord {
  return {
    startedAt: new Date('2026-11-03T08:00:00Z'),
    tier: 'execution',
    provider: 'openai',
    model: 'gpt-4o',
    usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 500, reasoningTokens: 0 },
    costUsd: perMillion(1_000, 2.5) + perMillion(500, 10),
    flagshipCostUsd: 0,
    latencyMs: 100,
    outcome: 'ok',
    simulated: true,
    ...overrides,
  };
}

test('replay --from-ledger re-prices recorded calls under another policy without calling a model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-reprice-'));
  const db = openStore(join(dir, 'data', 'switchboard.db'));
  recordCall(db, aCall({ task: { kind: 'code' } }));
  recordCall(db, aCall({ tier: 'orchestration', model: 'gpt-4o-mini', costUsd: 0.00045, task: { kind: 'summarise' }, usage: { inputTokens: 2_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 250, reasoningTokens: 0 } }));
  recordCall(db, aCall({ outcome: 'error', errorKind: 'server', task: { kind: 'code' } }));
  db.close();

  // The other policy: execution goes to claude-sonnet-4-6 first, at a new price from 2026-11-01
  // declared over the catalogue's row.
  const other = readFileSync(DEFAULT_CONFIG_PATH, 'utf8')
    .replace(/execution: \[[^\]]*\]/, 'execution: [claude-sonnet-4-6, gpt-5.6-terra]')
    .replace('models: {}\n', 'models:\n  claude-sonnet-4-6:\n    prices: [{ input: 3.00, cachedInput: 0.30, cacheWrite: 3.75, output: 15.00, effectiveFrom: "2026-02-17" }, { input: 1.00, output: 5.00, effectiveFrom: "2026-11-01" }]\n');
  writeFileSync(join(dir, 'other.yaml'), other);
  const result = spawnSync(process.execPath, [bin, 'replay', '--from-ledger', '--json', '--config', join(dir, 'other.yaml'), '--data-dir', join(dir, 'data')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { calls: number; repricedCostUsd: number; originalCostUsd: number; flagshipCostUsd: number; byTier: Record<string, { tasks: number; costUsd: number }> };
  assert.equal(report.calls, 2, 'failed attempts are not re-priced');
  const execution = perMillion(1_000, 1) + perMillion(500, 5);
  // Orchestration re-priced on the shipped chain's first model, gpt-5.6-luna ($0.20/$1.20).
  const orchestration = perMillion(2_000, 0.2) + perMillion(250, 1.2);
  assert.ok(Math.abs(report.byTier.execution.costUsd - execution) < 1e-12, String(report.byTier.execution.costUsd));
  assert.ok(Math.abs(report.repricedCostUsd - (execution + orchestration)) < 1e-12);
  // The flagship, gpt-5.6-sol: $4 in / $20 out.
  assert.ok(Math.abs(report.flagshipCostUsd - (perMillion(3_000, 4) + perMillion(750, 20))) < 1e-12);
  assert.ok(Math.abs(report.originalCostUsd - (perMillion(1_000, 2.5) + perMillion(500, 10) + 0.00045)) < 1e-12);
});

test('replay --from-ledger without a ledger says where it looked, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-reprice-'));
  const result = spawnSync(process.execPath, [bin, 'replay', '--from-ledger', '--data-dir', join(dir, 'none')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /no ledger at .*none\/switchboard\.db/);
});
