/**
 * The `code-edit` skill: a small, tested change to an allowed local repository, committed on a
 * branch of its own. Reads its job options merged over the `skills.code-edit` settings.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { assertKnownOptionKeys } from '../option-keys.ts';
import { NO_GRANTS, grantsRepository } from '../../config/grants.ts';
import { parseDuration } from '../../config/schema.ts';
import { createProposal } from '../../memory/approvals.ts';
import { aProblem, withProblems } from '../problems.ts';
import type { Skill, SkillContext, SkillResult } from '../types.ts';
import { expandHome, followUpProposalKey, listCodeFollowUps, type CodeFollowUp } from './follow-ups.ts';
import { runCodeEdit } from './run-code-edit.ts';
import type { CodeEditDeps, CodeEditOutcome, CodeEditRequest } from './types.ts';

export { listCodeFollowUps, getCodeFollowUp, markFollowUpDone, allowedReposFromSettings, followUpProposalKey, type CodeFollowUp } from './follow-ups.ts';
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
  repo: z.string().min(1).optional(),
  task: z.string().min(1).optional(),
  /** Take the task from the oldest pending code follow-up (follow-ups.ts) instead of `task`. */
  followUps: z.boolean().default(false),
  allowedRepos: z.array(z.string().min(1)).default([]),
  testCommand: z.array(z.string()).min(1).optional(),
  testTimeout: z.union([z.number().int().positive(), z.string()]).optional(),
  push: z.boolean().default(false),
  remote: z.string().min(1).optional(),
  protectedBranches: z.array(z.string().min(1)).optional(),
  branch: z.string().min(1).optional(),
}).superRefine((value, context) => {
  if (value.followUps) {
    if (value.task !== undefined) context.addIssue({ code: 'custom', path: ['task'], message: 'set either task or followUps: true, not both' });
    return;
  }
  if (value.task === undefined) context.addIssue({ code: 'custom', path: ['task'], message: 'required unless followUps: true' });
  if (value.repo === undefined) context.addIssue({ code: 'custom', path: ['repo'], message: 'required unless followUps: true' });
});

type RequestWithoutKey = Omit<CodeEditRequest, 'origin' | 'idempotencyKey'>;

/**
 * What a code-edit job does: one given task, or (`followUps: true`) propose every pending code
 * follow-up for the owner's approval, in `repo` only when `repo` is set.
 */
export type CodeEditJobPlan =
  | { followUps: false; request: RequestWithoutKey }
  | { followUps: true; repo?: string; request: Omit<RequestWithoutKey, 'repo' | 'task'> };

/**
 * Turns job options and skill settings into a plan. `allowedRepos` comes from the skill
 * settings when they set it, so a job cannot widen the allowlist. Throws an Error naming the
 * option key path on bad input (`task` is required unless `followUps: true`).
 */
export function codeEditPlanFromOptions(options: Record<string, unknown>, settings: Record<string, unknown>, job: string): CodeEditJobPlan {
  assertKnownOptionKeys(options, Object.keys(optionsSchema.shape), job, 'code-edit');
  const merged = { ...settings, ...options, allowedRepos: settings.allowedRepos ?? options.allowedRepos ?? [] };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`code-edit options (jobs.${job}.options / skills.code-edit): ${problems.join('; ')}`);
  }
  const value = parsed.data;
  const common = {
    job,
    allowedRepos: value.allowedRepos.map(expandHome),
    testCommand: value.testCommand,
    testTimeoutMs: value.testTimeout === undefined ? undefined : parseDuration(value.testTimeout),
    push: value.push,
    remote: value.remote,
    protectedBranches: value.protectedBranches,
    branch: value.branch,
  };
  if (value.followUps) return { followUps: true, ...(value.repo ? { repo: expandHome(value.repo) } : {}), request: common };
  return { followUps: false, request: { ...common, repo: expandHome(value.repo!), task: value.task! } };
}

/** Like `codeEditPlanFromOptions`, for callers that have a task; throws when the options ask for follow-ups instead. */
export function codeEditRequestFromOptions(options: Record<string, unknown>, settings: Record<string, unknown>, job: string): RequestWithoutKey {
  const plan = codeEditPlanFromOptions(options, settings, job);
  if (plan.followUps) throw new Error(`code-edit options (jobs.${job}.options): followUps needs a job run; give repo and task instead`);
  return plan.request;
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

/**
 * Files each pending follow-up in `repo` (when the job names one) as a code-edit proposal, once
 * per action item: the task came from a mail, so nothing runs (no model call, no branch, no test
 * command) until the owner approves. A follow-up in a repository the job was not granted
 * (`jobs.<name>.grants.repositories`) is left alone.
 */
function proposeFollowUps(context: SkillContext, allowedRepos: string[], repo: string | undefined): SkillResult {
  const grants = context.grants ?? NO_GRANTS;
  const pending = listCodeFollowUps(context.db, allowedRepos).filter((followUp) => repo === undefined || followUp.repo === repo);
  const granted = pending.filter((followUp) => grantsRepository(grants, followUp.repo));
  const proposals = granted.map((followUp) =>
    createProposal(context.db, {
      kind: 'code-edit',
      payload: { repo: followUp.repo, task: followUp.task, followUpId: followUp.id },
      summary: `code edit in ${basename(followUp.repo)}: ${followUp.task}`,
      reason: `an action item extracted from mail names the repository ${basename(followUp.repo)}; mail is untrusted, so the edit (model call, test command, commit) waits for the owner's approval, and is never pushed`,
      job: context.job,
      runId: context.runId,
      source: {
        kind: 'mail',
        ...(followUp.messageId ? { messageId: followUp.messageId } : {}),
        ...(followUp.fromAddress ? { sender: followUp.fromAddress } : {}),
        ...(followUp.subject ? { label: followUp.subject } : {}),
      },
      dedupeKey: followUpProposalKey(followUp.id),
      now: context.now(),
    }),
  );
  const waiting = proposals.filter((proposal) => proposal.state === 'pending');
  const notGranted = pending.length - granted.length;
  const parts = [waiting.length === 0 ? 'no follow-ups waiting for approval' : `${waiting.length} code follow-up(s) waiting for approval (switchboard approvals list)`];
  if (notGranted > 0) parts.push(`${notGranted} in repositories not granted to this job (jobs.${context.job}.grants.repositories)`);
  return {
    summary: parts.join('; '),
    details: { proposals: waiting.map((proposal) => proposal.id), notGranted },
  };
}

export function createCodeEditSkill(deps: CodeEditSkillDeps = {}): Skill {
  return {
    name: 'code-edit',
    checkOptions: (options, job) => void codeEditPlanFromOptions(options, deps.settings ?? {}, job),
    description: 'Makes a small, tested change to an allowed local git repository, committed on a new branch',
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const plan = codeEditPlanFromOptions(context.options, deps.settings ?? {}, context.job);
      if (plan.followUps) return proposeFollowUps(context, plan.request.allowedRepos, plan.repo);
      const runDeps: CodeEditDeps = { router: context.router, logger: context.logger, now: deps.now ?? context.now, testEnv: deps.testEnv };
      const outcome = await runCodeEdit(
        runDeps,
        { ...plan.request, idempotencyKey: context.idempotencyKey, origin: { runId: context.runId, job: context.job, skill: 'code-edit' } },
        signal,
      );
      if (outcome.status === 'gave_up') throw new CodeEditGaveUpError(outcome);
      const result = { summary: describeOutcome(outcome), details: { ...outcome, highlights: codeEditHighlights(outcome) } };
      // The commit is made and stays; only the push failed: the run is degraded, naming it.
      const problems = outcome.pushError ? [aProblem(`push:${plan.request.remote ?? 'origin'}`, 'push_failed', outcome.pushError)] : [];
      return withProblems(result, problems, 1);
    },
  };
}
