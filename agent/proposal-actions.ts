/**
 * What approving a proposal does, per kind, with the owner's authority: `remember` writes the
 * exact fact (origin owner; a pinned line marked `[approved #N]`), `code-edit` runs the code edit
 * on a branch of its own with the repository's current settings, never pushed. A kind with no
 * action here fails the proposal with a message saying so; nothing is guessed.
 */
import type { Config } from '../config/schema.ts';
import type { ModelRouter } from '../contracts/router.ts';
import type { Proposal, ProposalExecutor } from '../memory/approvals.ts';
import type { Store } from '../memory/store.ts';
import { allowedReposFromSettings, codeEditPlanFromOptions, CodeEditGaveUpError, describeOutcome, markFollowUpDone, runCodeEdit } from '../skills/code-edit/index.ts';
import type { Logger } from './logger.ts';
import { rememberFact } from './tools/remember.ts';

export interface ProposalActionDeps {
  db: Store;
  dataDir: string;
  config: Config;
  timeZone: string;
  /** Opened only for a kind that calls a model (a code edit); closed after it. */
  openRouter(): Promise<{ router: ModelRouter; logger?: Logger; close(): Promise<void> | void }>;
  now?: () => Date;
}

/** The kinds an approval can execute. */
export const EXECUTABLE_KINDS = ['remember', 'code-edit'] as const;

/** The executor `decideProposal` runs for an approval. Throws (the proposal becomes `failed`) on a payload it cannot run. */
export function createProposalExecutor(deps: ProposalActionDeps): ProposalExecutor {
  const now = deps.now ?? (() => new Date());
  return async (proposal) => {
    switch (proposal.kind) {
      case 'remember':
        return executeRemember(deps, now, proposal);
      case 'code-edit':
        return executeCodeEdit(deps, proposal);
      default:
        throw new Error(`no action is known for proposals of kind "${proposal.kind}" (known: ${EXECUTABLE_KINDS.join(', ')}); nothing was done`);
    }
  };
}

function executeRemember(deps: ProposalActionDeps, now: () => Date, proposal: Proposal): unknown {
  const { fact, pin } = proposal.payload;
  if (typeof fact !== 'string' || fact.trim() === '' || (pin !== undefined && typeof pin !== 'boolean')) {
    throw new Error(`proposal #${proposal.id}: payload is not a remember action ({ fact: string, pin?: boolean })`);
  }
  return rememberFact(
    { db: deps.db, dataDir: deps.dataDir, job: proposal.job ?? 'approvals', timeZone: deps.timeZone, now },
    { fact, pin: pin === true, origin: 'owner', mark: { by: 'approval', proposalId: proposal.id }, source: `approval #${proposal.id}` },
  );
}

/**
 * The edit runs under today's `skills.code-edit` settings (allowed repositories, test command),
 * not what the proposal's job had, so a repository removed from the list since is refused.
 * Never pushed: the task came from untrusted content, whoever approved it.
 */
async function executeCodeEdit(deps: ProposalActionDeps, proposal: Proposal): Promise<unknown> {
  const { repo, task, followUpId } = proposal.payload;
  if (typeof repo !== 'string' || typeof task !== 'string') {
    throw new Error(`proposal #${proposal.id}: payload is not a code edit ({ repo: string, task: string })`);
  }
  const settings = deps.config.skills['code-edit'] ?? {};
  const job = proposal.job ?? 'approvals';
  // The job's own test command and timeout still apply; what it would take or push does not.
  const jobOptions = deps.config.jobs[job]?.skill === 'code-edit' ? deps.config.jobs[job].options : {};
  const { testCommand, testTimeout, protectedBranches } = jobOptions as Record<string, unknown>;
  const options = { repo, task, ...definedOnly({ testCommand, testTimeout, protectedBranches }) };
  const plan = codeEditPlanFromOptions(options, { ...settings, push: false, allowedRepos: allowedReposFromSettings(settings) }, job);
  if (plan.followUps) throw new Error('unreachable: a proposal names its task');
  const opened = await deps.openRouter();
  try {
    const outcome = await runCodeEdit(
      { router: opened.router, logger: opened.logger },
      { ...plan.request, push: false, untrustedTask: true, idempotencyKey: `proposal-${proposal.id}`, origin: { job, skill: 'code-edit' } },
    );
    if (outcome.status === 'gave_up') throw new CodeEditGaveUpError(outcome);
    if (typeof followUpId === 'number') markFollowUpDone(deps.db, followUpId);
    return { summary: describeOutcome(outcome), branch: outcome.branch, commit: outcome.commit, diffStat: outcome.diffStat, tests: outcome.tests, pushed: false };
  } finally {
    await opened.close();
  }
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
