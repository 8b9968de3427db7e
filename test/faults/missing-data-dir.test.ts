// Fault: the data dir does not exist (a typo in --data-dir, a fresh machine). Commands that read
// it say there is no Switchboard data there and exit 1; none of them creates it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { aFaultWorkspace, writeFaultConfig } from './harness.ts';

test('status and runs on a missing data dir: exit 1, "no Switchboard data", and the dir is not created', () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, { nightly: { schedule: '0 3 * * *', skill: 'command', options: { command: ['true'] } } });

  for (const args of [['status'], ['runs'], ['runs', 'show', '1'], ['runs', 'cancel', '1']]) {
    const result = workspace.cli(...args);
    assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`no Switchboard data at ${workspace.dataDir.replace(/[/.]/g, '\\$&')}`), args.join(' '));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(workspace.dataDir), false, `${args.join(' ')} created the data dir`);
  }
});
