/**
 * The `code-edit` skill: a small, tested change to an allowed local repository, committed on a
 * branch of its own. Reads its job options merged over the `skills.code-edit` settings.
 */
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../config/schema.ts';
import type { Skill, SkillContext, SkillResult } from '../types.ts';
import { runCodeEdit } from './run-code-edit.ts';
import type { CodeEditDeps, CodeEditOutcome, CodeEditRequest } from './types.ts';

export { runCodeEdit, CodeEditRefusedError, RollbackError, isProtectedBranch, workBranchName } from './run-code-edit.ts';
export type * from './types.ts';

export interface CodeEditSkillDeps {
  /** `skills.code-edit` from config; job options override every key but `allowedRepos`. */
  settings?: Record<string, unknown>;
  now?: () => Date;
  testEnv?: NodeJS.ProcessEnv;
}

/** The run gave up after its escalation; the repository was restored and checked. */
export class CodeEditGaveUpError extends Error {
  readonly outcome: CodeEditOutcome;
  constructor(outcome: CodeEditOutcome) {
    super(describeOutcome(outcome));
    this.name = 'CodeEditGaveUpError';
    this.outcome = outcome;
  }
}

const optionsSchema = z.object({
  repo: z.string().min(1),
  task: z.string().min(1),
  allowedRepos: z.array(z.string().min(1)).default([]),
  testCommand: z.array(z.string()).min(1).optional(),
  testTimeout: z.union([z.number().int().positive(), z.string()]).optional(),
  push: z.boolean().default(false),
  remote: z.string().min(1).optional(),
  protectedBranches: z.array(z.string().min(1)).optional(),
  branch: z.string().min(1).optional(),
});

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(path);
}

/**
 * Turns job options and skill settings into a request. `allowedRepos` comes from the skill
 * settings when they set it, so a job cannot widen the allowlist. Throws an Error naming the
 * option key path on bad input.
 */
export function codeEditRequestFromOptions(
  options: Record<string, unknown>,
  settings: Record<string, unknown>,
  job: string,
): Omit<CodeEditRequest, 'origin' | 'idempotencyKey'> {
  const merged = { ...settings, ...options, allowedRepos: settings.allowedRepos ?? options.allowedRepos ?? [] };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`code-edit options (jobs.${job}.options / skills.code-edit): ${problems.join('; ')}`);
  }
  const value = parsed.data;
  return {
    repo: expandHome(value.repo),
    task: value.task,
    job,
    allowedRepos: value.allowedRepos.map(expandHome),
    testCommand: value.testCommand,
    testTimeoutMs: value.testTimeout === undefined ? undefined : parseDuration(value.testTimeout),
    push: value.push,
    remote: value.remote,
    protectedBranches: value.protectedBranches,
    branch: value.branch,
  };
}

/** One line for `runs` and the briefing. */
export function describeOutcome(outcome: CodeEditOutcome): string {
  const tests = outcome.tests ? (outcome.tests.passed ? 'tests passed' : 'tests failed') : 'no tests configured';
  const models = outcome.models.join(', ') || 'none';
  const cost = `$${outcome.costUsd.toFixed(4)}`;
  switch (outcome.status) {
    case 'committed':
      return `committed ${outcome.commit?.slice(0, 7)} on ${outcome.branch} (${tests}; models ${models}; ${cost})${outcome.pushed ? ', pushed' : outcome.pushError ? `, push failed: ${outcome.pushError}` : ''}`;
    case 'gave_up':
      return `gave up after ${outcome.attempts.length} attempt(s) (${outcome.attempts.map((attempt) => attempt.problem).join('; then: ')}); ${outcome.repo} left exactly as it was (models ${models}; ${cost})`;
    case 'already_done':
      return `branch ${outcome.branch} already holds this slot's edit (${outcome.commit?.slice(0, 7)}); nothing done`;
  }
}

/**
 * A few short lines for the briefing: the branch (and whether it was pushed), the commit,
 * the diff stat's totals and the test result. Never empty.
 */
export function codeEditHighlights(outcome: CodeEditOutcome): string[] {
  const lines = [`branch ${outcome.branch} from ${outcome.baseBranch}${outcome.pushed ? ', pushed' : outcome.pushError ? ', push failed' : ''}`];
  if (outcome.commit) {
    const subject = outcome.commitMessage?.split('\n')[0]?.trim();
    lines.push(`commit ${outcome.commit.slice(0, 7)}${subject ? `: ${subject}` : ''}`);
  }
  // The last line of `git diff --stat` is the total: "2 files changed, 5 insertions(+), 1 deletion(-)".
  const totals = outcome.diffStat?.split('\n').at(-1)?.trim();
  if (totals) lines.push(totals);
  lines.push(outcome.status === 'already_done' ? 'already done for this slot: nothing changed' : testLine(outcome.tests));
  return lines;
}

function testLine(tests: CodeEditOutcome['tests']): string {
  if (!tests) return 'no tests configured';
  // The program's base name: a briefing line has no room for /usr/local/bin/.
  const command = [basename(tests.command[0] ?? ''), ...tests.command.slice(1)].join(' ');
  if (tests.passed) return `tests passed (${command})`;
  return `tests failed (${command}: ${tests.timedOut ? 'timed out' : `exit ${tests.exitCode}`})`;
}

export function createCodeEditSkill(deps: CodeEditSkillDeps = {}): Skill {
  return {
    name: 'code-edit',
    checkOptions: (options, job) => void codeEditRequestFromOptions(options, deps.settings ?? {}, job),
    description: 'Makes a small, tested change to an allowed local git repository, committed on a new branch',
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const request = codeEditRequestFromOptions(context.options, deps.settings ?? {}, context.job);
      const runDeps: CodeEditDeps = { router: context.router, logger: context.logger, now: deps.now ?? context.now, testEnv: deps.testEnv };
      const outcome = await runCodeEdit(
        runDeps,
        { ...request, idempotencyKey: context.idempotencyKey, origin: { runId: context.runId, job: context.job, skill: 'code-edit' } },
        signal,
      );
      if (outcome.status === 'gave_up') throw new CodeEditGaveUpError(outcome);
      return { summary: describeOutcome(outcome), details: { ...outcome, highlights: codeEditHighlights(outcome) } };
    },
  };
}
