import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerBillCommand } from '../../agent/cli/commands/bill.ts';
import { ledgerTimeZone } from '../../memory/ledger-days.ts';
import { recordCall } from '../../memory/ledger.ts';
import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

async function runBill(args: string[], dataDir: string, configPath: string): Promise<string> {
  const program = new Command('switchboard').option('-c, --config <file>').option('-d, --data-dir <dir>').exitOverride();
  registerBillCommand(program);
  let output = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    output += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'switchboard', '--config', configPath, '--data-dir', dataDir, 'bill', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return output;
}

/** A data dir whose ledger was written in UTC days (as before the owner's zone was recorded), and a config naming `timeZone`. */
function aSetup(timeZone: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bill-zone-'));
  const db = openStore(join(dataDir, 'switchboard.db'));
  const call = (startedAt: string, costUsd: number) =>
    recordCall(db, {
      startedAt: new Date(startedAt),
      tier: 'execution',
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 1_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
      costUsd,
      flagshipCostUsd: costUsd * 10,
      latencyMs: 5,
      outcome: 'ok',
      simulated: false,
      job: 'briefing',
    });
  call('2026-12-01T07:30:00Z', 0.25); // 23:30 on 30 November in Los Angeles
  call('2026-12-01T20:00:00Z', 0.5); // 12:00 on 1 December there
  db.close();
  const configPath = join(dataDir, 'config.yaml');
  writeFileSync(configPath, `timezone: ${timeZone}\n`);
  return { dataDir, configPath };
}

test('bill --day counts the owner\'s day (config timezone) and names the zone: a call at 23:30 local stays on its local day', async () => {
  const { dataDir, configPath } = aSetup('America/Los_Angeles');
  const november30 = await runBill(['--day', '2026-11-30'], dataDir, configPath);
  assert.match(november30, /^Bill for day 2026-11-30 \(America\/Los_Angeles\)$/m);
  assert.match(november30, /^Spent +\$0\.2500$/m);
  const december1 = await runBill(['--day', '2026-12-01', '--json'], dataDir, configPath);
  const bill = JSON.parse(december1);
  assert.equal(bill.timeZone, 'America/Los_Angeles');
  assert.equal(bill.totals.costUsd, 0.5, 'only the noon call: the 23:30 one belongs to 30 November');
  const november = JSON.parse(await runBill(['--month', '2026-11', '--json'], dataDir, configPath));
  assert.equal(november.totals.costUsd, 0.25, 'and to November, though it was December in UTC');
  const db = openStore(join(dataDir, 'switchboard.db'));
  assert.equal(ledgerTimeZone(db), 'America/Los_Angeles', 'the UTC ledger was re-counted once, for every reader');
  db.close();
});

test('the same ledger under a UTC config counts UTC days', async () => {
  const { dataDir, configPath } = aSetup('UTC');
  const bill = JSON.parse(await runBill(['--day', '2026-12-01', '--json'], dataDir, configPath));
  assert.equal(bill.timeZone, 'UTC');
  assert.equal(bill.totals.costUsd, 0.75);
});

test('an invalid owner time zone is refused with exit 2 and its key path, before any bill', () => {
  const { dataDir, configPath } = aSetup('Europe/Pariss');
  const result = spawnSync(process.execPath, [bin, '--config', configPath, '--data-dir', dataDir, 'bill'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dataDir },
    timeout: 120_000,
  });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /^ {2}timezone: unknown time zone "Europe\/Pariss"; expected an IANA name like Europe\/Paris$/m);
  assert.equal(result.stdout, '');
});
