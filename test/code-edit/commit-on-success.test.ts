import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, TEST_COMMAND } from './builders.ts';

const NOW = () => new Date('2025-03-14T09:00:00Z');

test('a passing edit becomes one commit on its own branch, with trailers, and main is untouched', async () => {
  const { allowed, root } = aRepo();
  const mainBefore = git(root, 'rev-parse', 'main');
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);

  const outcome = await runCodeEdit(
    { router, now: NOW },
    { repo: root, task: 'Fix the add function in math.js', job: 'fix-math', allowedRepos: [allowed], testCommand: TEST_COMMAND, idempotencyKey: 'fix-math:slot-1' },
  );

  assert.equal(outcome.status, 'committed');
  assert.match(outcome.branch, /^switchboard\/fix-math-20250314-[0-9a-f]{7}$/);
  assert.equal(outcome.tests?.passed, true);
  assert.deepEqual(outcome.models, ['exec-model']);
  assert.equal(outcome.costUsd, 0.01);
  assert.match(outcome.diffStat ?? '', /src\/math\.js \| 2 \+-/);
  // One commit on the branch, on top of main.
  assert.equal(git(root, 'rev-list', '--count', `main..${outcome.branch}`), '1');
  assert.equal(git(root, 'rev-parse', `${outcome.branch}^`), mainBefore);
  const message = git(root, 'log', '-1', '--format=%B', outcome.branch);
  assert.match(message, /^Fix add to return the sum/);
  assert.match(message, /\nSwitchboard-Job: fix-math\nSwitchboard-Models: exec-model$/);
  const trailers = git(root, 'log', '-1', '--format=%(trailers:key=Switchboard-Job,valueonly)', outcome.branch);
  assert.equal(trailers, 'fix-math');
  assert.equal(git(root, 'diff', '--name-only', `main..${outcome.branch}`), 'src/math.js');
  assert.equal(git(root, 'show', `${outcome.branch}:src/math.js`), FIXED_MATH.trimEnd());
  // The user's branch and working tree are as they were.
  assert.equal(git(root, 'symbolic-ref', '--short', 'HEAD'), 'main');
  assert.equal(git(root, 'rev-parse', 'main'), mainBefore);
  assert.equal(git(root, 'status', '--porcelain'), '');
  assert.notEqual(readFileSync(join(root, 'src/math.js'), 'utf8'), FIXED_MATH);
});

test('the model is asked on the code kind with the edits schema and sees the relevant file', async () => {
  const { allowed, root } = aRepo();
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix the add function in math.js', job: 'fix-math', allowedRepos: [allowed] });
  assert.equal(router.calls.length, 1);
  const [call] = router.calls;
  assert.deepEqual(call.task, { kind: 'code', checked: true }, 'checked by its edits and tests: the ledger marks it');
  assert.equal(call.request.responseSchema?.name, 'code_edits');
  const prompt = call.request.messages.map((message) => message.content).join('\n');
  assert.match(prompt, /<file path="src\/math\.js">\nexport function add/);
  assert.match(prompt, /Initial commit/);
  assert.match(prompt, /README\.md/);
});

test('a unified diff edit is checked and applied with git apply', async () => {
  const { allowed, root } = aRepo();
  const diff = [
    'diff --git a/src/math.js b/src/math.js',
    '--- a/src/math.js',
    '+++ b/src/math.js',
    '@@ -1,3 +1,3 @@',
    ' export function add(a, b) {',
    '-  return a - b;',
    '+  return a + b;',
    ' }',
    '',
  ].join('\n');
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', diff }])]);
  const outcome = await runCodeEdit(
    { router, now: NOW },
    { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], testCommand: TEST_COMMAND },
  );
  assert.equal(outcome.status, 'committed');
  assert.equal(git(root, 'show', `${outcome.branch}:src/math.js`), FIXED_MATH.trimEnd());
  assert.equal(git(root, 'status', '--porcelain'), '');
});

test('files the test run leaves behind are not committed and do not stay in the tree', async () => {
  const { allowed, root } = aRepo();
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const outcome = await runCodeEdit(
    { router, now: NOW },
    {
      repo: root,
      task: 'Fix add',
      job: 'fix-math',
      allowedRepos: [allowed],
      testCommand: [process.execPath, '-e', "require('fs').writeFileSync('coverage.txt', 'x'); require('fs').appendFileSync('README.md', 'touched')"],
    },
  );
  assert.equal(outcome.status, 'committed');
  assert.equal(git(root, 'diff', '--name-only', `main..${outcome.branch}`), 'src/math.js');
  assert.equal(git(root, 'status', '--porcelain', '--untracked-files=all'), '');
});

test('a retry of the same slot finds its branch and edits nothing twice', async () => {
  const { allowed, root } = aRepo();
  const request = { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], idempotencyKey: 'fix-math:slot-7' };
  const first = await runCodeEdit({ router: aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]), now: NOW }, request);
  const router = aScriptedRouter([]);
  const second = await runCodeEdit({ router, now: NOW }, request);
  assert.equal(second.status, 'already_done');
  assert.equal(second.branch, first.branch);
  assert.equal(second.commit, first.commit);
  assert.equal(router.calls.length, 0);
});
