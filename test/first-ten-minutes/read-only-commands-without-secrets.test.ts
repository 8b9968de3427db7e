/**
 * Commands that call no model and send no mail work with no provider, SMTP or Google secret
 * set; a command that needs a secret refuses (exit 2), naming each unset variable, and writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openStore } from '../../memory/store.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function aWorkspaceNeedingSecrets() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-nosecrets-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'timezone: Europe/Paris',
      'providers:',
      '  openai: { api: openai, apiKey: "${OPENAI_API_KEY}" }',
      '  anthropic: { api: anthropic, apiKey: "${ANTHROPIC_API_KEY}" }',
      'mail:',
      '  accounts:',
      '    personal: { host: imap.example.org, user: alex@example.org, passwordFile: ' + join(dir, 'imap-password') + ' }',
      '  smtp: { host: smtp.example.org, user: alex@example.org, password: "${SMTP_PASSWORD}", from: alex@example.org, to: alex@example.org }',
      'google: { clientId: id.apps.googleusercontent.com, clientSecret: "${GOOGLE_CLIENT_SECRET}", refreshToken: "${GOOGLE_REFRESH_TOKEN}" }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'day.jsonl'), '{"task":"summarise this newsletter","input_tokens":2000,"output_tokens":200}\n');
  const dataDir = join(dir, 'data');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, '--config', config, '--data-dir', dataDir, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
      timeout: 60_000,
    });
  return { dir, dataDir, cli };
}

const readOnly: string[][] = [
  ['status'],
  ['runs'],
  ['bill'],
  ['inbox'],
  ['memory', 'list'],
  ['route', 'summarise', 'this', 'newsletter'],
  ['replay', 'DAY'],
  ['config', 'show'],
];

test('read-only commands run with no provider, SMTP or Google secret set', () => {
  const workspace = aWorkspaceNeedingSecrets();
  // A data dir the daemon has used (status refuses to invent one: test/faults/missing-data-dir.test.ts).
  mkdirSync(workspace.dataDir, { recursive: true, mode: 0o700 });
  openStore(join(workspace.dataDir, 'switchboard.db')).close();
  for (const args of readOnly) {
    const result = workspace.cli(...args.map((arg) => (arg === 'DAY' ? join(workspace.dir, 'day.jsonl') : arg)));
    assert.equal(result.status, 0, `switchboard ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /is not set.*\n.*invalid config/);
  }
});

test('route says the orchestrator was not asked when the provider keys are unset', () => {
  const result = aWorkspaceNeedingSecrets().cli('route', 'which', 'of', 'these', 'is', 'best');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /OPENAI_API_KEY, ANTHROPIC_API_KEY not set: the orchestrator model is not asked/);
});

test('a command that needs secrets names every unset variable and file, exits 2 and writes nothing', () => {
  const workspace = aWorkspaceNeedingSecrets();
  const result = workspace.cli('run', 'morning-briefing');
  assert.equal(result.status, 2, result.stderr);
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'SMTP_PASSWORD', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN']) {
    assert.match(result.stderr, new RegExp(`environment variable ${name} is not set`));
  }
  assert.match(result.stderr, /mail\.accounts\.personal\.passwordFile: cannot read secret file/);
  assert.equal(existsSync(join(workspace.dataDir, 'switchboard.db')), false, 'no database was created');
});
