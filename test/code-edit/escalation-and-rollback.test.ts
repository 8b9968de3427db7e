import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { aRepo, aScriptedRouter, anEditAnswer, BROKEN_MATH, FIXED_MATH, git, repoState, TEST_COMMAND } from './builders.ts';

const NOW = () => new Date('2025-03-14T09:00:00Z');
const STILL_BROKEN = 'export function add(a, b) {\n  return a * b;\n}\n';

test('a failing test is escalated once to the next tier up, with the failing output, then committed', async () => {
  const { allowed, root } = aRepo();
  const router = aScriptedRouter([
    anEditAnswer([{ path: 'src/math.js', content: STILL_BROKEN }], 'Try multiplication'),
    anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }]),
  ]);
  const outcome = await runCodeEdit(
    { router, now: NOW },
    { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed], testCommand: TEST_COMMAND },
  );
  assert.equal(outcome.status, 'committed');
  assert.equal(router.calls.length, 2);
  assert.deepEqual(router.calls[1].task, { kind: 'code', tier: 'reasoning', checked: true, escalatedFromCall: 1 }, 'the re-run names the answer whose tests failed');
  const feedback = router.calls[1].request.messages.at(-1);
  assert.equal(feedback?.role, 'user');
  assert.match(feedback?.content ?? '', /tests failed with exit code 1/);
  assert.match(feedback?.content ?? '', /add\(2, 3\) gave 6/);
  assert.match(feedback?.content ?? '', /reset to the original files/);
  assert.deepEqual(outcome.models, ['exec-model', 'reason-model']);
  assert.equal(outcome.attempts[0].problem, 'tests failed with exit code 1 (' + TEST_COMMAND.join(' ') + ')');
  assert.equal(outcome.attempts[1].problem, undefined);
  assert.ok(Math.abs(outcome.costUsd - 0.06) < 1e-9);
  assert.match(git(root, 'log', '-1', '--format=%B', outcome.branch), /Switchboard-Models: exec-model, reason-model/);
  // The second answer was applied to the original file, not on top of the first.
  assert.equal(git(root, 'show', `${outcome.branch}:src/math.js`), FIXED_MATH.trimEnd());
  assert.equal(git(root, 'rev-list', '--count', `main..${outcome.branch}`), '1');
});

test('failing twice gives up and leaves HEAD, status, branches and every file exactly as they were', async () => {
  const { allowed, root } = aRepo();
  git(root, 'branch', 'feature/other');
  const before = repoState(root);
  const router = aScriptedRouter([
    anEditAnswer([{ path: 'src/math.js', content: STILL_BROKEN }, { path: 'src/new-helper.js', content: 'export const x = 1;\n' }]),
    anEditAnswer([{ path: 'src/math.js', content: 'export function add() { return 0; }\n' }, { path: 'docs/notes.md', content: 'notes\n' }]),
  ]);
  const outcome = await runCodeEdit(
    { router, now: NOW },
    {
      repo: root,
      task: 'Fix add',
      job: 'fix-math',
      allowedRepos: [allowed],
      // The test run also leaves a stray file and rewrites a tracked one: both must go.
      testCommand: [process.execPath, '-e', "require('fs').writeFileSync('stray.log', 'x'); require('fs').appendFileSync('README.md', '!'); process.exit(3)"],
    },
  );
  assert.equal(outcome.status, 'gave_up');
  assert.equal(router.calls.length, 2);
  assert.equal(outcome.tests?.exitCode, 3);
  assert.deepEqual(repoState(root), before);
  assert.equal(git(root, 'branch', '--list', 'switchboard/*'), '');
  assert.match(git(root, 'show', 'HEAD:src/math.js'), /a - b/);
  assert.equal(git(root, 'show', 'HEAD:src/math.js'), BROKEN_MATH.trimEnd());
});

test('answers that are not valid edits count as failures and end in a clean rollback', async () => {
  const { allowed, root } = aRepo();
  const before = repoState(root);
  const router = aScriptedRouter(['Sure! Here is the fix: return a + b', JSON.stringify({ edits: [], commitMessage: '' })]);
  const outcome = await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed] });
  assert.equal(outcome.status, 'gave_up');
  assert.match(outcome.attempts[0].problem ?? '', /not JSON/);
  assert.match(outcome.attempts[1].problem ?? '', /edits schema/);
  assert.deepEqual(repoState(root), before);
});

test('a diff that does not apply is reported to the next tier and the repository is restored after', async () => {
  const { allowed, root } = aRepo();
  const before = repoState(root);
  const badDiff = 'diff --git a/src/math.js b/src/math.js\n--- a/src/math.js\n+++ b/src/math.js\n@@ -1,1 +1,1 @@\n-no such line\n+other\n';
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', diff: badDiff }]), anEditAnswer([{ path: 'src/math.js', diff: badDiff }])]);
  const outcome = await runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed] });
  assert.equal(outcome.status, 'gave_up');
  assert.match(outcome.attempts[0].problem ?? '', /git apply --check refused the diff for src\/math\.js/);
  assert.match(router.calls[1].request.messages.at(-1)?.content ?? '', /git apply --check refused/);
  assert.deepEqual(repoState(root), before);
});

test('a router failure (budget, outage) rolls back and surfaces the error', async () => {
  const { allowed, root } = aRepo();
  const before = repoState(root);
  const router = aScriptedRouter([]);
  await assert.rejects(
    runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed] }),
    /no answer for call 1/,
  );
  assert.deepEqual(repoState(root), before);
});

test('an abort during the test run kills it, rolls back and rethrows', async () => {
  const { allowed, root } = aRepo();
  const before = repoState(root);
  const controller = new AbortController();
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const running = runCodeEdit(
    { router, now: NOW },
    {
      repo: root,
      task: 'Fix add',
      job: 'fix-math',
      allowedRepos: [allowed],
      testCommand: [process.execPath, '-e', "require('fs').writeFileSync('started', ''); setTimeout(() => {}, 60000)"],
    },
    controller.signal,
  );
  // Abort once the test command has started, whenever that is.
  while (!existsSync(join(root, 'started'))) await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort(new Error('shutting down'));
  await assert.rejects(running, /shutting down/);
  assert.deepEqual(repoState(root), before);
});
