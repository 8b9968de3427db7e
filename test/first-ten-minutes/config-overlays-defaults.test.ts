/**
 * A config file names only what differs from the shipped default: the default is merged
 * under it (mappings key by key, a list or a scalar replaced whole), defaults nothing uses are
 * dropped, and `config show` prints the effective config with where each value came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../../config/load.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const source = { path: '/home/alex/.config/switchboard/config.yaml', origin: 'user' as const };

test('a file that sets only the briefing time is a whole config, the rest from the default', () => {
  const loaded = parseConfigText('jobs:\n  morning-briefing:\n    schedule: "30 6 * * *"\n', source, {});
  const briefing = loaded.config.jobs['morning-briefing'];
  assert.equal(briefing.schedule, '30 6 * * *');
  assert.equal(briefing.skill, 'briefing', 'the rest of the job comes from the default');
  assert.deepEqual(briefing.catchUp, { within: 3 * 3_600_000 });
  assert.equal(loaded.config.flagship, 'gpt-5.6-sol');
  assert.deepEqual(loaded.config.tiers.orchestration, ['gpt-5.6-luna', 'claude-haiku-4-5']);
  assert.equal(loaded.origins['jobs.morning-briefing.schedule'], source.path);
  assert.equal(loaded.origins['jobs.morning-briefing.skill'], DEFAULT_CONFIG_PATH);
});

test('a list written by the user replaces the default list; mappings merge key by key', () => {
  const loaded = parseConfigText('tiers:\n  orchestration: [claude-haiku-4-5]\nbudgets:\n  monthly: { total: 20 }\n', source, {});
  assert.deepEqual(loaded.config.tiers.orchestration, ['claude-haiku-4-5']);
  assert.deepEqual(loaded.config.tiers.execution, ['gpt-5.6-terra', 'claude-sonnet-4-6']);
  assert.equal(loaded.config.budgets.monthly.total, 20);
  assert.equal(loaded.config.budgets.daily.total, 5, 'the daily cap stays the default');
});

test('own providers and models: the default ones nothing uses are dropped, so no keyless default starts the simulator', () => {
  const text = [
    'providers: { local: { api: openai, baseURL: "http://127.0.0.1:11434/v1", keyless: true } }',
    'models: { llama: { provider: local, contextWindow: 8000, maxOutputTokens: 1000, prices: [{ input: 0, output: 0 }], capabilities: {} } }',
    'tiers: { orchestration: [llama], execution: [llama], reasoning: [llama], large-context: [llama] }',
  ].join('\n');
  const loaded = parseConfigText(text, source, {});
  assert.deepEqual(Object.keys(loaded.config.providers), ['local']);
  // The default flagship stays: it prices the bill's counterfactual from the catalogue, and no
  // chain calls it, so its provider needs no key.
  assert.deepEqual(Object.keys(loaded.config.models).sort(), ['gpt-5.6-sol', 'llama']);
  assert.equal(loaded.config.flagship, 'gpt-5.6-sol');
});

test('a mistake in the overlay is still named by its key path', () => {
  assert.throws(
    () => parseConfigText('jobs:\n  morning-briefing:\n    schedul: "30 6 * * *"\n', source, {}),
    (error: Error) => /jobs\.morning-briefing: unknown key "schedul" \(did you mean "schedule"\?\)/.test(error.message),
  );
});

test('config show prints the effective config, each value with its origin, and never a secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-show-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'timezone: Europe/Paris\njobs:\n  morning-briefing:\n    schedule: "30 6 * * *"\n');
  const result = spawnSync(process.execPath, [bin, '--config', config, '--data-dir', join(dir, 'data'), 'config', 'show'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, OPENAI_API_KEY: 'sk-show-0123456789abcdef' },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`file +${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.match(result.stdout, /^timezone: Europe\/Paris # file$/m);
  assert.match(result.stdout, /^ {4}schedule: 30 6 \* \* \* # file$/m);
  assert.match(result.stdout, /^ {4}skill: briefing # default$/m);
  assert.match(result.stdout, /^ {4}overlap: skip # built-in$/m);
  assert.match(result.stdout, /^ {4}apiKey: \(set\) # default$/m);
  assert.ok(!result.stdout.includes('sk-show-0123456789abcdef'), 'the key is never printed');
});
