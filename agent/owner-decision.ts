/**
 * The owner's approve/reject outside the terminal (the dashboard's buttons, a reply to the
 * briefing): the same code as `switchboard approvals approve|reject`, the executor built from
 * agent/proposal-actions.ts and the decision recorded by memory/approvals.ts `decideProposal`.
 */
import { decideProposal, type DecisionOutcome } from '../memory/approvals.ts';
import { processIdentity } from './scheduler/process-identity.ts';
import type { Store } from '../memory/store.ts';
import type { Config } from '../config/schema.ts';
import { createProposalExecutor, type ProposalActionDeps } from './proposal-actions.ts';

export interface OwnerDecisionDeps {
  db: Store;
  dataDir: string;
  config: Config;
  timeZone: string;
  /** The model router, opened only when an approved action needs one (a code edit). */
  openRouter: ProposalActionDeps['openRouter'];
}

/** Approves (running the action once) or rejects proposal `id` as `by`. Throws `ProposalDecisionError` for an unknown or undecidable one. */
export async function decideAsOwner(deps: OwnerDecisionDeps, id: number, decision: 'approve' | 'reject', by: string): Promise<DecisionOutcome> {
  if (decision === 'reject') return decideProposal(deps.db, id, { decision: 'reject', by });
  const execute = createProposalExecutor({ db: deps.db, dataDir: deps.dataDir, config: deps.config, timeZone: deps.timeZone, openRouter: deps.openRouter });
  return decideProposal(deps.db, id, { decision: 'approve', by, execute, executor: { pid: process.pid, identity: processIdentity() } });
}
