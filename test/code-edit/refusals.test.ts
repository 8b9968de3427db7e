import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeEditRefusedError, runCodeEdit } from '../../skills/code-edit/run-code-edit.ts';
import { aRepo, aScriptedRouter, git, repoState } from './builders.ts';

const NOW = () => new Date('2025-03-14T09:00:00Z');

async function expectRefusal(request: Parameters<typeof runCodeEdit>[1], reason: RegExp): Promise<void> {
  const router = aScriptedRouter([]);
  await assert.rejects(runCodeEdit({ router, now: NOW }, request), (error: unknown) => {
    assert.ok(error instanceof CodeEditRefusedError, String(error));
    assert.match(error.message, reason);
    return true;
  });
  assert.equal(router.calls.length, 0, 'no model call for a refused run');
}

test('a dirty working tree is refused, naming the dirty files', async () => {
  const { allowed, root } = aRepo();
  writeFileSync(join(root, 'README.md'), 'edited by the user\n');
  writeFileSync(join(root, 'scratch.txt'), 'untracked\n');
  const before = repoState(root);
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [allowed] }, /not clean.*README\.md, scratch\.txt/);
  assert.deepEqual(repoState(root), before);
});

test('a repository outside the allowlist is refused', async () => {
  const { root } = aRepo();
  const elsewhere = mkdtempSync(join(tmpdir(), 'sb-other-'));
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [elsewhere] }, /not inside skills\.code-edit\.allowedRepos/);
});

test('an empty allowlist is refused with the config key to set', async () => {
  const { root } = aRepo();
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [] }, /set skills\.code-edit\.allowedRepos/);
});

test('a sub-folder of a repository is refused: the top level must be named', async () => {
  const { allowed, root } = aRepo();
  await expectRefusal({ repo: join(root, 'src'), task: 'Fix add', job: 'j', allowedRepos: [allowed] }, /not the top level/);
});

test('a detached HEAD is refused', async () => {
  const { allowed, root } = aRepo();
  git(root, 'checkout', '--quiet', '--detach');
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [allowed] }, /detached HEAD/);
});

test('a work branch named like a protected branch is refused', async () => {
  const { allowed, root } = aRepo();
  git(root, 'checkout', '--quiet', '-b', 'trunk');
  git(root, 'branch', '-D', 'main');
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [allowed], branch: 'main' }, /protected branch main/);
  await expectRefusal(
    { repo: root, task: 'Fix add', job: 'j', allowedRepos: [allowed], branch: 'release/1.0', protectedBranches: ['release/*'] },
    /protected branch release\/1\.0/,
  );
  assert.equal(git(root, 'branch', '--list', 'main'), '');
});

test('a missing remote is refused before anything changes', async () => {
  const { allowed, root } = aRepo();
  await expectRefusal({ repo: root, task: 'Fix add', job: 'j', allowedRepos: [allowed], push: true }, /remote origin is not configured/);
});
