import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CodeEditRefusedError, runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { normaliseRepoPath, UnsafePathError } from '../../skills/code-edit/repo-paths.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, git, repoState } from './builders.ts';

const NOW = () => new Date('2025-03-14T09:00:00Z');

/** Runs one edit whose answer holds a good edit and then `unsafe`; expects a refusal and no change. */
async function expectRefused(root: string, allowed: string, unsafe: Record<string, string>, reason: RegExp): Promise<void> {
  const before = repoState(root);
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }, unsafe])]);
  await assert.rejects(
    runCodeEdit({ router, now: NOW }, { repo: root, task: 'Fix add', job: 'fix-math', allowedRepos: [allowed] }),
    (error: unknown) => {
      assert.ok(error instanceof CodeEditRefusedError, String(error));
      assert.match(error.message, reason);
      return true;
    },
  );
  // A security refusal is not escalated: one call, and nothing left behind, not even the good edit.
  assert.equal(router.calls.length, 1);
  assert.deepEqual(repoState(root), before);
}

test('a parent-directory path is refused', async () => {
  const { allowed, root } = aRepo();
  await expectRefused(root, allowed, { path: '../x', content: 'escaped' }, /"\.\." is not allowed/);
  assert.equal(existsSync(join(allowed, 'x')), false);
  await expectRefused(root, allowed, { path: 'src/../../x', content: 'escaped' }, /"\.\." is not allowed/);
});

test('an absolute path is refused', async () => {
  const { allowed, root } = aRepo();
  const target = join(allowed, 'absolute.txt');
  await expectRefused(root, allowed, { path: target, content: 'escaped' }, /absolute paths are not allowed/);
  assert.equal(existsSync(target), false);
});

test('a path through a symbolic link to outside the repository is refused', async () => {
  const { allowed, root } = aRepo();
  const outside = join(allowed, 'outside');
  mkdirSync(outside);
  symlinkSync(outside, join(root, 'linked'));
  git(root, 'add', 'linked');
  git(root, 'commit', '--quiet', '-m', 'Add a link');
  await expectRefused(root, allowed, { path: 'linked/payload.sh', content: 'escaped' }, /resolves outside the repository/);
  assert.equal(existsSync(join(outside, 'payload.sh')), false);
});

test('a dangling symbolic link is not written through', async () => {
  const { allowed, root } = aRepo();
  const target = join(allowed, 'created-by-link');
  symlinkSync(target, join(root, 'dangling'));
  git(root, 'add', 'dangling');
  git(root, 'commit', '--quiet', '-m', 'Add a dangling link');
  await expectRefused(root, allowed, { path: 'dangling', content: 'escaped' }, /dangling symbolic link/);
  assert.equal(existsSync(target), false);
});

test('a git hook is refused, whatever the spelling', async () => {
  const { allowed, root } = aRepo();
  await expectRefused(root, allowed, { path: '.git/hooks/post-commit', content: '#!/bin/sh\necho pwned\n' }, /under \.git/);
  await expectRefused(root, allowed, { path: './.GIT/config', content: '[core]\n' }, /under \.git/);
  assert.equal(existsSync(join(root, '.git/hooks/post-commit')), false);
});

test('a diff that reaches outside the repository or creates a symbolic link is refused', async () => {
  const { allowed, root } = aRepo();
  const escaping = 'diff --git a/../evil b/../evil\nnew file mode 100644\n--- /dev/null\n+++ b/../evil\n@@ -0,0 +1 @@\n+evil\n';
  await expectRefused(root, allowed, { path: 'src/math.js', diff: escaping }, /"\.\." is not allowed/);
  const link = 'diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc/passwd\n';
  await expectRefused(root, allowed, { path: 'l', diff: link }, /symbolic links/);
  const hook = 'diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\n--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+evil\n';
  await expectRefused(root, allowed, { path: 'README.md', diff: hook }, /under \.git/);
  assert.equal(existsSync(join(allowed, 'evil')), false);
});

test('path spelling rules', () => {
  assert.equal(normaliseRepoPath('./src//a.ts'), 'src/a.ts');
  for (const bad of ['', '/etc/passwd', 'C:/x', '~/x', 'a\\b', 'a/../b', '.git', 'sub/.git/config', 'a\0b']) {
    assert.throws(() => normaliseRepoPath(bad), UnsafePathError, bad);
  }
});
