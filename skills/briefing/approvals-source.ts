/**
 * The briefing's list of proposals waiting for the owner: each with what it would do, what
 * caused it and the one command that approves it. Read from the run's store after the intro,
 * so a write the briefing's own model asked for this morning is listed too.
 */
import { approveCommand, listProposals, type Proposal } from '../../memory/approvals.ts';
import type { Store } from '../../memory/store.ts';
import type { PendingApproval } from './types.ts';

/** At most `limit` pending proposals, newest first; empty when none. */
export function pendingApprovals(db: Store, now: Date, limit: number): PendingApproval[] {
  return listProposals(db, { state: 'pending', limit, now }).map((proposal) => ({
    id: proposal.id,
    kind: proposal.kind,
    summary: proposal.summary,
    ...(describeSource(proposal) ? { source: describeSource(proposal) } : {}),
    ...(proposal.expiresAt ? { expiresAt: proposal.expiresAt } : {}),
    command: approveCommand(proposal.id),
  }));
}

function describeSource(proposal: Proposal): string | undefined {
  const { kind, sender, url, label } = proposal.source;
  const parts = [kind, sender ? `from ${sender}` : undefined, label && !sender && !url ? label : undefined, url].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}
