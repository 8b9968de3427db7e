import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, findConfig } from '../../config/load.ts';

function aHome(withUserConfig: boolean): string {
  const home = mkdtempSync(join(tmpdir(), 'sb-home-'));
  if (withUserConfig) {
    mkdirSync(join(home, '.config', 'switchboard'), { recursive: true });
    writeFileSync(join(home, '.config', 'switchboard', 'config.yaml'), 'version: 1\n');
  }
  return home;
}

test('--config wins over everything', () => {
  const found = findConfig('/tmp/flag.yaml', { SWITCHBOARD_CONFIG: '/tmp/env.yaml', HOME: aHome(true) });
  assert.deepEqual(found, { path: '/tmp/flag.yaml', origin: '--config' });
});

test('SWITCHBOARD_CONFIG comes next', () => {
  const found = findConfig(undefined, { SWITCHBOARD_CONFIG: '/tmp/env.yaml', HOME: aHome(true) });
  assert.deepEqual(found, { path: '/tmp/env.yaml', origin: 'SWITCHBOARD_CONFIG' });
});

test('then the user config under ~/.config/switchboard', () => {
  const home = aHome(true);
  const found = findConfig(undefined, { HOME: home });
  assert.deepEqual(found, { path: join(home, '.config', 'switchboard', 'config.yaml'), origin: 'user' });
});

test('then the shipped default', () => {
  const found = findConfig(undefined, { HOME: aHome(false) });
  assert.deepEqual(found, { path: DEFAULT_CONFIG_PATH, origin: 'default' });
});
