import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load.ts';

/** The shipped default's tiers: a decision names the first model of its tier's chain. */
const shippedTiers = loadConfig({ path: DEFAULT_CONFIG_PATH, origin: 'default' }, {}).config.tiers;

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function route(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-route-'));
  const result = spawnSync(process.execPath, [bin, 'route', ...args, '--data-dir', join(dir, 'data')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 });
  return result;
}

test('route --json prints tier, model and reason for free text', () => {
  const cases: Array<[string, keyof typeof shippedTiers]> = [
    ['extract the invoice number and total from this email', 'orchestration'],
    ['write a bash script that rotates my backup folders and keeps the last 7', 'execution'],
    ['weigh the pros and cons of moving my savings into index funds versus bonds over ten years, and recommend one', 'reasoning'],
    ['which tool should handle a deep analysis of my portfolio?', 'orchestration'],
  ];
  for (const [text, tier] of cases) {
    const model = shippedTiers[tier][0];
    const result = route(['--json', text]);
    assert.equal(result.status, 0, result.stderr);
    const decision = JSON.parse(result.stdout) as { tier: string; model: string; reason: string };
    assert.equal(decision.tier, tier, text);
    assert.equal(decision.model, model, text);
    assert.ok(decision.reason.length > 0);
  }
});

test('route --input-tokens over the threshold goes to large-context whatever the text', () => {
  const result = route(['--json', '--input-tokens', '80000', 'fix the typo in this file']);
  assert.equal(result.status, 0, result.stderr);
  const decision = JSON.parse(result.stdout) as { tier: string; model: string; reason: string };
  assert.equal(decision.tier, 'large-context');
  assert.equal(decision.model, shippedTiers['large-context'][0]);
  assert.match(decision.reason, /80000 input tokens > 65536/);
});

test('route with a bad --input-tokens or unknown --kind exits 2 naming the option', () => {
  const badTokens = route(['--input-tokens', 'lots', 'do a thing']);
  assert.equal(badTokens.status, 2);
  assert.match(badTokens.stderr, /--input-tokens: expected a non-negative integer, found "lots"/);
  const badKind = route(['--kind', 'dance', 'do a thing']);
  assert.equal(badKind.status, 2);
  assert.match(badKind.stderr, /--kind: unknown step kind 'dance'/);
});
