// Fault: a job's options are wrong (a typo in a key, a wrong type). `config check`, `start` and
// `run` all refuse alike: exit 2, the config file and the key path named (with the closest valid
// key for a typo), and nothing written: no run row, no database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { aFaultWorkspace, writeFaultConfig } from './harness.ts';

test('an unknown option key: config check, start and run exit 2 naming file, key path and the closest key', () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, {
    backup: { schedule: '0 3 * * *', skill: 'command', options: { command: ['true'], cwdir: '/srv' } },
  });

  for (const args of [['config', 'check'], ['start'], ['run', 'backup']]) {
    const result = workspace.cli(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, new RegExp(workspace.config.replace(/[/.]/g, '\\$&')), `${args.join(' ')} names the file`);
    assert.match(result.stderr, /jobs\.backup\.options\.cwdir: not an option of the command skill \(did you mean "cwd"\?\)/, args.join(' '));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(existsSync(workspace.dataDir), false, 'nothing was written: not even the database');
});

test('a wrong type in a model skill\'s options is refused the same way by run', () => {
  const workspace = aFaultWorkspace();
  writeFaultConfig(workspace.config, {
    briefing: { schedule: '0 7 * * *', skill: 'briefing', options: { dueWithinDays: 'soon' } },
  });
  const result = workspace.cli('run', 'briefing');
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /jobs\.briefing\.options\.dueWithinDays/);
  assert.equal(existsSync(workspace.dataDir), false);
});
