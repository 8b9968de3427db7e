import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function install(extra: string[] = [], configExtra = '') {
  const dir = mkdtempSync(join(tmpdir(), 'sb-unit-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    'version: 1\nproviders: { p: { api: openai, keyless: true } }\nmodels: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }\ntiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }\nflagship: gpt-5.6-sol\ndaemon: { shutdownGrace: 20s }\n' +
      configExtra,
  );
  const envFile = join(dir, 'secrets', 'switchboard.env');
  execFileSync(process.execPath, [BIN, '--config', config, '--data-dir', join(dir, 'data'), 'service', 'install', '--unit-dir', join(dir, 'units'), '--environment-file', envFile, ...extra]);
  return { dir, unit: join(dir, 'units', 'switchboard.service'), envFile };
}

test('the generated unit carries absolute paths, hardening and a stop timeout above the grace', () => {
  const { dir, unit, envFile } = install();
  const text = readFileSync(unit, 'utf8');
  assert.match(text, new RegExp(`ExecStart=${process.execPath} /\\S+/bin/switchboard.js --config ${dir}/config.yaml --data-dir ${dir}/data start`));
  for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', `ReadWritePaths=${dir}/data`, 'PrivateTmp=yes', 'ProtectHome=read-only', 'Restart=on-failure', 'KillSignal=SIGTERM', 'TimeoutStopSec=35s']) {
    assert.ok(text.includes(line), `missing ${line}`);
  }
  assert.ok(text.includes(`EnvironmentFile=-${envFile}`));
  assert.equal(statSync(envFile).mode & 0o777, 0o600);
});

test('systemd-analyze verify accepts the unit', { skip: hasAnalyze ? false : 'systemd-analyze is missing: apt-get install systemd (CI installs it)' }, () => {
  for (const extra of [[], ['--user']]) {
    const { unit } = install(extra);
    const result = spawnSync('systemd-analyze', [...(extra.length ? ['--user'] : []), 'verify', unit], { encoding: 'utf8' });
    const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('switchboard.service'));
    assert.deepEqual(problems, [], `${result.stdout}${result.stderr}`);
  }
});

test('code-edit repositories and --writable paths are writable too; nothing else is', () => {
  const { dir, unit } = install(['--writable', '/srv/backups', '--writable', '/srv/other dir'], "skills: { code-edit: { allowedRepos: ['/home/me/src'] } }\n");
  const text = readFileSync(unit, 'utf8');
  const line = text.split('\n').find((entry) => entry.startsWith('ReadWritePaths='));
  assert.equal(line, `ReadWritePaths=${dir}/data /home/me/src /srv/backups "/srv/other dir"`);
});
