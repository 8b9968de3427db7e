import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

function doctor(configText: string | undefined, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-'));
  const args = [bin, 'doctor', '--json', '--data-dir', join(dir, 'data')];
  if (configText !== undefined) {
    writeFileSync(join(dir, 'config.yaml'), configText);
    args.push('--config', join(dir, 'config.yaml'));
  }
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, ...env }, timeout: 30_000 });
  return { status: result.status, report: JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ part: string; ok: boolean; detail: string }> }, stderr: result.stderr };
}

test('on the embedded defaults every check passes, with simulated providers labelled', () => {
  const { status, report } = doctor(undefined);
  assert.equal(status, 0);
  assert.equal(report.ok, true);
  const names = report.checks.map((check) => check.part);
  assert.deepEqual(names.slice(0, 3), ['config', 'database', 'data dir']);
  const models = report.checks.filter((check) => check.part.startsWith('model '));
  assert.ok(models.length >= 4, 'one row per configured model');
  for (const model of models) assert.match(model.detail, /\(simulated: no API key set; model list not checked\)/);
  assert.match(report.checks[1].detail, /not created yet/);
});

test('an unreachable provider fails its models with a classified error and no key in the output', () => {
  const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace(
    '    apiKey: ${OPENAI_API_KEY:-}\n',
    '    apiKey: ${OPENAI_API_KEY}\n    baseURL: http://127.0.0.1:9/v1\n',
  );
  const { status, report, stderr } = doctor(text, { OPENAI_API_KEY: 'sk-doctor-secret-0123456789' });
  assert.equal(status, 1);
  const openai = report.checks.filter((check) => check.part.startsWith('model gpt-'));
  assert.ok(openai.length > 0, JSON.stringify(report));
  for (const check of openai) {
    assert.equal(check.ok, false);
    assert.match(check.detail, /^openai model list: network: /);
  }
  assert.ok(report.checks.filter((check) => check.part.startsWith('model claude-')).every((check) => check.ok), 'the simulated provider still passes');
  assert.ok(!JSON.stringify(report).includes('sk-doctor-secret'), 'the key never appears');
  assert.ok(!stderr.includes('sk-doctor-secret'));
});
