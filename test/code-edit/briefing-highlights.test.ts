import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { silentLogger } from '../../agent/logger.ts';
import { claimRun, finishRun } from '../../memory/runs.ts';
import { openStore } from '../../memory/store.ts';
import { latestSkillSnapshot } from '../../skills/briefing/ledger-sources.ts';
import { codeEditHighlights, createCodeEditSkill, type CodeEditOutcome } from '../../skills/code-edit/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, TEST_COMMAND } from './builders.ts';

const NOW = new Date('2025-03-14T02:00:05Z');

function anOutcome(overrides: Partial<CodeEditOutcome>): CodeEditOutcome {
  return { status: 'committed', repo: '/r', branch: 'switchboard/fix-1', baseBranch: 'main', attempts: [], models: [], costUsd: 0, pushed: false, ...overrides };
}

test('a code-edit run returns branch, commit, diff stat and test result as highlights, and the briefing reads them back', async () => {
  const { allowed, root } = aRepo();
  const db = openStore(':memory:');
  const skill = createCodeEditSkill({ settings: { allowedRepos: [allowed] } });
  const context: SkillContext = {
    job: 'nightly-fix',
    skill: 'code-edit',
    runId: 1,
    idempotencyKey: 'nightly-fix:1',
    slot: NOW,
    options: { repo: root, task: 'Fix add', testCommand: TEST_COMMAND },
    db,
    dataDir: tmpdir(),
    logger: silentLogger(),
    timezone: 'UTC',
    router: aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]),
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => NOW,
  };

  const result = await skill.run(context, new AbortController().signal);

  const highlights = result.details?.highlights as string[];
  assert.equal(highlights.length, 4);
  assert.match(highlights[0], /^branch switchboard\/nightly-fix-20250314-[0-9a-f]{7} from main$/);
  assert.match(highlights[1], /^commit [0-9a-f]{7}: Fix add to return the sum$/);
  assert.equal(highlights[2], '1 file changed, 1 insertion(+), 1 deletion(-)');
  assert.equal(highlights[3], 'tests passed (node test.js)');
  const claimed = claimRun(db, { job: 'nightly-fix', skill: 'code-edit', slot: NOW.toISOString(), idempotencyKey: 'nightly-fix:1', trigger: 'schedule', status: 'running', now: NOW });
  assert.ok(claimed.claimed);
  finishRun(db, claimed.run.id, { status: 'succeeded', at: NOW, result });
  assert.deepEqual(latestSkillSnapshot(db, 'code-edit', new Date('2025-03-13T00:00:00Z'))?.highlights, highlights);
  db.close();
});

test('highlights say when a push failed, when no tests ran, how tests failed, and when the slot was already done', () => {
  assert.deepEqual(
    codeEditHighlights(anOutcome({ commit: 'abcdef0123', commitMessage: 'Tidy\n\nBody', diffStat: ' a.js | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)', pushError: 'rejected' })),
    ['branch switchboard/fix-1 from main, push failed', 'commit abcdef0: Tidy', '1 file changed, 1 insertion(+), 1 deletion(-)', 'no tests configured'],
  );
  assert.deepEqual(codeEditHighlights(anOutcome({ pushed: true, tests: { command: ['/usr/bin/npm', 'test'], passed: false, exitCode: 1, timedOut: false, output: '' } })), [
    'branch switchboard/fix-1 from main, pushed',
    'tests failed (npm test: exit 1)',
  ]);
  assert.equal(codeEditHighlights(anOutcome({ tests: { command: ['make', 'check'], passed: false, exitCode: null, timedOut: true, output: '' } })).at(-1), 'tests failed (make check: timed out)');
  assert.deepEqual(codeEditHighlights(anOutcome({ status: 'already_done', commit: 'abcdef0123' })), [
    'branch switchboard/fix-1 from main',
    'commit abcdef0',
    'already done for this slot: nothing changed',
  ]);
});
