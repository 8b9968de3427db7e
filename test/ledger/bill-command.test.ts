import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load.ts';
import { openStore } from '../../memory/store.ts';
import { recordCall } from '../../memory/ledger.ts';
import { CliError } from '../../agent/cli/context.ts';
import { alignTable, billPeriodFromOptions, formatUsd, registerBillCommand } from '../../agent/cli/commands/bill.ts';

async function runBill(args: string[], dataDir: string): Promise<string> {
  const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
  registerBillCommand(program);
  let output = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    output += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'switchboard', '--data-dir', dataDir, 'bill', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return output;
}

function aDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bill-'));
  const db = openStore(join(dataDir, 'switchboard.db'));
  recordCall(db, {
    startedAt: new Date('2025-06-15T12:00:00Z'),
    tier: 'orchestration',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
    costUsd: 0.00021,
    flagshipCostUsd: 0.021,
    latencyMs: 5,
    outcome: 'ok',
    simulated: true,
    job: 'briefing',
  });
  db.close();
  return dataDir;
}

test('--day prints an aligned table with small sums in six decimals, and says the calls were simulated', async () => {
  const output = await runBill(['--day', '2025-06-15'], aDataDir());
  assert.match(output, /^Bill for day 2025-06-15 \(\S+\) \(includes simulated calls\)/);
  assert.match(output, /Spent +\$0\.000210/);
  // The baselines are priced at bill time from each model's own entry in the shipped config.
  assert.match(output, /Same calls all on \S+ \(flagship\) +\$\d+\.\d+  routing saved \$\d+\.\d+ \(\d+\.\d%\)/);
  assert.match(output, /Same calls all on \S+ \(execution tier's first model\)/);
  const tierHeader = output.split('\n').find((line) => line.startsWith('tier'))!;
  const tierRow = output.split('\n').find((line) => line.startsWith('orchestration'))!;
  assert.equal(tierHeader.length, tierRow.length);
});

test('--month --json prints the bill as JSON', async () => {
  const output = await runBill(['--month', '2025-06', '--json'], aDataDir());
  const bill = JSON.parse(output);
  assert.equal(bill.label, '2025-06');
  assert.equal(bill.totals.calls, 1);
  assert.equal(bill.includesSimulated, true);
  assert.equal(bill.flagship, loadConfig({ path: DEFAULT_CONFIG_PATH, origin: 'default' }, {}).config.flagship, "the shipped default's flagship");
});

test('options: one period at most, real dates only, this month by default', () => {
  const now = new Date('2025-06-15T12:00:00Z');
  assert.deepEqual(billPeriodFromOptions({}, now), { period: 'month', date: '2025-06' });
  assert.deepEqual(billPeriodFromOptions({ today: true }, now), { period: 'day', date: '2025-06-15' });
  assert.throws(() => billPeriodFromOptions({ today: true, month: '2025-06' }), (error: unknown) => error instanceof CliError && error.exitCode === 2);
  assert.throws(() => billPeriodFromOptions({ day: '2025-02-30' }), /expected YYYY-MM-DD/);
  assert.throws(() => billPeriodFromOptions({ month: '2025-13' }), /expected YYYY-MM/);
});

test('USD formatting keeps small sums readable', () => {
  assert.equal(formatUsd(0), '$0.0000');
  assert.equal(formatUsd(0.000123), '$0.000123');
  assert.equal(formatUsd(1.5), '$1.5000');
  assert.equal(formatUsd(1234.5), '$1234.50');
  assert.equal(alignTable([['a', '1'], ['bbb', '22']]), 'a     1\nbbb  22');
});
