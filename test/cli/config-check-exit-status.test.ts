import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('config check on the shipped default exits 0 and names the file', () => {
  const result = runCli(['config', 'check']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ok: .*config\/default\.yaml \(default\)/);
});

test('config check on a bad file exits 2 with the key path, expected and found', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'config.yaml');
  writeFileSync(file, readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace('concurrency: 2', 'concurency: 2'));
  const result = runCli(['config', 'check', '--config', file]);
  assert.equal(result.status, 2);
  assert.ok(result.stderr.includes(file), 'names the file');
  assert.match(result.stderr, /daemon: unknown key "concurency" \(did you mean "concurrency"\?\)/);
  assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('SWITCHBOARD_CONFIG pointing at a missing file exits 2 and says how it was chosen', () => {
  const result = runCli(['config', 'check'], { SWITCHBOARD_CONFIG: '/nonexistent/switchboard.yaml' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /\/nonexistent\/switchboard\.yaml[\s\S]*chosen by SWITCHBOARD_CONFIG/);
});

test('a missing environment variable is named with status 2', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'config.yaml');
  writeFileSync(file, readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace('${ANTHROPIC_API_KEY:-}', '${ANTHROPIC_API_KEY}'));
  const result = runCli(['--config', file, 'config', 'check']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /providers\.anthropic\.apiKey: environment variable ANTHROPIC_API_KEY is not set/);
});

test('config schema prints a JSON Schema that knows the top-level keys', () => {
  const result = runCli(['config', 'schema']);
  assert.equal(result.status, 0, result.stderr);
  const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> };
  for (const key of ['providers', 'models', 'tiers', 'flagship', 'budgets', 'jobs', 'mail']) {
    assert.ok(key in schema.properties, `schema has ${key}`);
  }
});

test("a job's options are checked by its skill: a bad one exits 2 naming the job's key path", () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'config.yaml');
  const jobs = [
    'jobs:',
    '  research:',
    '    schedule: "0 6 * * *"',
    '    skill: research',
    '    options: { feeds: ["file:///tmp/feed.xml"], maxItems: -1 }',
    '  markets:',
    '    schedule: "0 18 * * *"',
    '    skill: markte',
  ].join('\n');
  writeFileSync(file, readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace(/^jobs:\n[\s\S]*$/m, `${jobs}\n`));
  const result = runCli(['config', 'check', '--config', file]);
  assert.equal(result.status, 2, result.stdout);
  assert.match(result.stderr, /jobs\.research\.options: .*jobs\.research\.options\.maxItems/);
  assert.match(result.stderr, /jobs\.markets\.skill: unknown skill "markte" \(did you mean "market"\?\)/);
});

test('--version prints the package version', () => {
  const result = runCli(['--version']);
  assert.equal(result.status, 0);
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  assert.equal(result.stdout.trim(), version);
});
