import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../agent/logger.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { CodeEditGaveUpError, createCodeEditSkill } from '../../skills/code-edit/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import { aRepo, aScriptedRouter, anEditAnswer, FIXED_MATH, repoState, TEST_COMMAND } from './builders.ts';

function aContext(router: ModelRouter, options: Record<string, unknown>): SkillContext {
  return {
    job: 'nightly-fix',
    skill: 'code-edit',
    runId: 42,
    idempotencyKey: 'nightly-fix:2025-03-14T02:00:00Z',
    slot: new Date('2025-03-14T02:00:00Z'),
    options,
    db: undefined as never,
    dataDir: tmpdir(),
    logger: silentLogger(),
    timezone: 'UTC',
    router,
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => new Date('2025-03-14T02:00:05Z'),
  };
}

test('the skill reads job options over skill settings and returns the outcome as details', async () => {
  const { allowed, root } = aRepo();
  const router = aScriptedRouter([anEditAnswer([{ path: 'src/math.js', content: FIXED_MATH }])]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [allowed], testCommand: ['false'] } });
  assert.equal(skill.name, 'code-edit');
  const result = await skill.run(aContext(router, { repo: root, task: 'Fix add', testCommand: TEST_COMMAND }), new AbortController().signal);
  assert.match(result.summary, /^committed [0-9a-f]{7} on switchboard\/nightly-fix-20250314-[0-9a-f]{7} \(tests passed; models exec-model; \$0\.0100\)$/);
  assert.equal(result.details?.status, 'committed');
  assert.match(String(result.details?.diffStat), /src\/math\.js/);
  assert.deepEqual(router.calls[0].origin, { runId: 42, job: 'nightly-fix', skill: 'code-edit' });
});

test('a job cannot widen the allowlist set in the skill settings', async () => {
  const { allowed, root } = aRepo();
  const elsewhere = mkdtempSync(join(tmpdir(), 'sb-other-'));
  const skill = createCodeEditSkill({ settings: { allowedRepos: [elsewhere] } });
  const router = aScriptedRouter([]);
  await assert.rejects(
    skill.run(aContext(router, { repo: root, task: 'Fix add', allowedRepos: [allowed] }), new AbortController().signal),
    /not inside skills\.code-edit\.allowedRepos/,
  );
});

test('bad options name the key path', async () => {
  const skill = createCodeEditSkill({ settings: { allowedRepos: ['/tmp'] } });
  await assert.rejects(
    skill.run(aContext(aScriptedRouter([]), { repo: '/tmp', task: 'x', testCommand: 'npm test' }), new AbortController().signal),
    /jobs\.nightly-fix\.options.*testCommand/,
  );
});

test('giving up fails the run with the outcome attached, and the repository is as it was', async () => {
  const { allowed, root } = aRepo();
  const before = repoState(root);
  const wrong = anEditAnswer([{ path: 'src/math.js', content: 'export function add() { return 1; }\n' }]);
  const skill = createCodeEditSkill({ settings: { allowedRepos: [allowed] } });
  await assert.rejects(
    skill.run(aContext(aScriptedRouter([wrong, wrong]), { repo: root, task: 'Fix add', testCommand: TEST_COMMAND }), new AbortController().signal),
    (error: unknown) => {
      assert.ok(error instanceof CodeEditGaveUpError);
      assert.equal(error.outcome.attempts.length, 2);
      assert.match(error.message, /gave up after 2 attempt\(s\).*left exactly as it was/);
      return true;
    },
  );
  assert.deepEqual(repoState(root), before);
});
