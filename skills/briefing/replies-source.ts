/**
 * The briefing's side of replying to act: a fresh one-time token for each pending proposal
 * (memory/reply-tokens.ts), and what replies did since the job's previous briefing went out.
 */
import { repliesProcessedSince } from '../../memory/mail-replies.ts';
import { issueReplyTokens } from '../../memory/reply-tokens.ts';
import type { Store } from '../../memory/store.ts';
import type { PendingApproval, ReplyReport } from './types.ts';

const FIRST_BRIEFING_WINDOW_MS = 48 * 3_600_000;
const MAX_REPLIES = 20;

/** The approvals with a reply token each; only the tokens' hashes are stored. */
export function withReplyTokens(db: Store, approvals: PendingApproval[], now: Date, runId: number): PendingApproval[] {
  if (approvals.length === 0) return approvals;
  const tokens = issueReplyTokens(db, approvals, { now, runId });
  return approvals.map((approval) => ({ ...approval, replyToken: tokens.get(approval.id) }));
}

/**
 * What replies did after the job's previous briefing was sent (the last 48 h before the first),
 * oldest first. A briefing redone for the same slot reports the same replies again.
 */
export function replyReports(db: Store, job: string, idempotencyKey: string, now: Date): ReplyReport[] {
  const previous = db
    .prepare(`SELECT MAX(sent_at) AS at FROM deliveries WHERE job = ? AND status = 'sent' AND key != ?`)
    .get(job, idempotencyKey) as { at: string | null };
  const since = previous.at ? new Date(previous.at) : new Date(now.getTime() - FIRST_BRIEFING_WINDOW_MS);
  return repliesProcessedSince(db, since, MAX_REPLIES).flatMap((reply) =>
    reply.actions.map((action) => ({
      result: action.result,
      ...(action.proposalId !== undefined ? { proposalId: action.proposalId } : {}),
      text: action.text,
      ...(reply.fromAddress ? { from: reply.fromAddress } : {}),
      at: reply.processedAt ?? reply.sentAt ?? now.toISOString(),
    })),
  );
}
