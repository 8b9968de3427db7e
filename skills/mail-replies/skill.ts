/**
 * The `mail-replies` skill: reads the owner's replies to the briefing over IMAP and acts on
 * `approve N TOKEN` / `reject N TOKEN` lines, through the same decision code as the CLI and
 * the dashboard (handed in as `deps.decide`).
 *
 * What is checked, in order, and why:
 * - Which mail is a reply: one whose In-Reply-To/References names a briefing Switchboard sent,
 *   one whose subject is a reply to "Morning briefing", or one from the owner's address with an
 *   approve/reject line. Any other mail in the mailbox is not this skill's business (the
 *   extraction reads it) and is passed over without a record.
 * - Exactly once: each reply is claimed by its place on the server and by its Message-ID
 *   (memory/mail-replies.ts) before anything acts, and the watermark moves past it after; a
 *   crash in between finishes the same reply on the next run, and the decision itself runs
 *   once whatever happens (memory/approvals.ts).
 * - The sender: From must hold exactly one address and it must be the owner's (`mail.smtp.to`;
 *   display names are never compared), and a Sender header, if any, must name it too. With no
 *   owner configured nothing is ever acted on.
 * - The token: each command must carry the one-time token the briefing printed under that very
 *   proposal, unused and unexpired (memory/reply-tokens.ts).
 * - Only the sender's own lines count: quoted lines and everything after the quoted original
 *   begins are ignored (commands.ts), so a briefing quoted back can approve nothing.
 * Everything refused is recorded with its reason and logged; the next briefing lists it.
 */
import { z } from 'zod';
import type { ImapAccountConfig } from '../../config/schema.ts';
import { ProposalDecisionError, type DecisionOutcome } from '../../memory/approvals.ts';
import {
  advanceReplyWatermark,
  claimReply,
  finishReply,
  readReplyWatermark,
  resetReplyWatermark,
  sentByUs,
  type ReplyAction,
} from '../../memory/mail-replies.ts';
import { checkReplyToken, oldestUsableTokenAt, useReplyToken } from '../../memory/reply-tokens.ts';
import type { Store } from '../../memory/store.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import type { AccessTokenSource } from '../google/access-token.ts';
import { openImapMailbox } from '../email-extract/imap-source.ts';
import type { MailAccount, MailSession, OpenMailbox } from '../email-extract/types.ts';
import { assertKnownOptionKeys } from '../option-keys.ts';
import type { Skill, SkillContext, SkillResult } from '../types.ts';
import { parseReplyCommands } from './commands.ts';
import { readReplyMail, type ReplyMail } from './read-reply.ts';
import { bareAddress } from '../mail/address.ts';

/** Decides a proposal as the owner: agent/owner-decision.ts `decideAsOwner`, bound by the daemon. */
export type OwnerDecide = (request: {
  db: Store;
  proposalId: number;
  decision: 'approve' | 'reject';
  by: string;
  /** The run's router, for an action that calls a model (a code edit): its calls are this run's. */
  router: ModelRouter;
  logger: SkillContext['logger'];
  timeZone: string;
}) => Promise<DecisionOutcome>;

export interface MailRepliesDeps {
  /** `config.mail.accounts`. */
  accounts: Record<string, ImapAccountConfig>;
  /** The owner's address (`mail.smtp.to`); without it every reply is refused. */
  owner: string | undefined;
  decide: OwnerDecide;
  openMailbox?: OpenMailbox;
  googleTokens?: AccessTokenSource;
}

const optionsSchema = z.strictObject({
  account: z.string().optional().describe('The account the replies arrive in (default: the only one, or the first)'),
  mailboxes: z.array(z.string().min(1)).min(1).optional().describe("Mailboxes to read (default: the account's mailboxes)"),
  maxMessageBytes: z.number().int().min(1_024).default(1024 * 1024).describe('A larger reply is read as headers only (and acts on nothing)'),
});
type MailRepliesOptions = z.output<typeof optionsSchema>;

function parseOptions(options: Record<string, unknown>, job: string): MailRepliesOptions {
  assertKnownOptionKeys(options, Object.keys(optionsSchema.shape), job, 'mail-replies');
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `jobs.${job}.options${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
  throw new Error(`mail-replies: ${problems.join('; ')}`);
}

/** How the reply reader names itself as the decider of a proposal. */
export const REPLY_DECIDER = 'mail-reply';

interface Totals {
  replies: number;
  approved: number;
  rejected: number;
  failed: number;
  refused: number;
  duplicates: number;
}

export function createMailRepliesSkill(deps: MailRepliesDeps): Skill {
  const openMailbox = deps.openMailbox ?? openImapMailbox;
  const accountName = (options: MailRepliesOptions): string | undefined => options.account ?? Object.keys(deps.accounts)[0];
  return {
    name: 'mail-replies',
    description: "Acts on the owner's replies to the briefing: `approve N TOKEN` or `reject N TOKEN`, from the owner's address only",
    checkOptions(options, job) {
      const parsed = parseOptions(options, job);
      const name = accountName(parsed);
      if (!name) throw new Error(`jobs.${job}: mail-replies needs an IMAP account under mail.accounts`);
      if (!deps.accounts[name]) throw new Error(`jobs.${job}.options.account: "${name}" is not in mail.accounts`);
      if (!bareAddress(deps.owner)) throw new Error(`jobs.${job}: mail-replies needs the owner's address in mail.smtp.to (only replies from it can act)`);
    },
    // Each reply is claimed before it acts and every decision runs once: a redone run repeats nothing.
    retrySafe: () => true,
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const options = parseOptions(context.options, context.job);
      const name = accountName(options);
      if (!name || !deps.accounts[name]) throw new Error(`mail-replies: no IMAP account${options.account ? ` "${options.account}"` : ''} under mail.accounts`);
      const account: MailAccount = { ...deps.accounts[name], name };
      if (account.oauth2 === 'google') {
        if (!deps.googleTokens) throw new Error(`mail.accounts.${name}.oauth2: google needs the google: section`);
        account.accessToken = await deps.googleTokens.get(signal);
      }
      const totals: Totals = { replies: 0, approved: 0, rejected: 0, failed: 0, refused: 0, duplicates: 0 };
      const session = await openMailbox(account, signal);
      try {
        for (const mailbox of options.mailboxes ?? account.mailboxes) {
          await readMailbox({ deps, context, signal, session, account: name, mailbox, options, totals });
        }
      } finally {
        await session.close();
      }
      const parts = [`${totals.replies} repl${totals.replies === 1 ? 'y' : 'ies'}`];
      for (const key of ['approved', 'rejected', 'failed', 'refused', 'duplicates'] as const) if (totals[key]) parts.push(`${totals[key]} ${key}`);
      return { summary: parts.join(', '), details: { ...totals } };
    },
  };
}

interface MailboxRead {
  deps: MailRepliesDeps;
  context: SkillContext;
  signal: AbortSignal;
  session: MailSession;
  account: string;
  mailbox: string;
  options: MailRepliesOptions;
  totals: Totals;
}

async function readMailbox(read: MailboxRead): Promise<void> {
  const { context, session, account, mailbox, signal } = read;
  const db = context.db;
  const now = context.now();
  const opened = await session.open(mailbox);
  const stored = readReplyWatermark(db, account, mailbox);
  let entries;
  if (stored && stored.uidValidity === opened.uidValidity) {
    entries = await session.listAfter(stored.lastUid);
  } else {
    // First read, or the mailbox was recreated: nothing older than the oldest usable token can
    // be a reply that acts, so only mail since that day is read (none at all when no token is).
    const since = oldestUsableTokenAt(db, now);
    if (stored) context.logger.warn({ event: 'mail-replies-validity-changed', account, mailbox }, 'UIDVALIDITY changed: reading replies again since the oldest usable token');
    const recent = since ? (session.listSince ? await session.listSince(since) : await session.listAfter(0)) : [];
    if (recent.length === 0) {
      // Start after the newest message: the next run reads only what arrives from now on.
      const all = await session.listAfter(0);
      resetReplyWatermark(db, account, mailbox, opened.uidValidity, now, all.at(-1)?.uid ?? 0);
      return;
    }
    resetReplyWatermark(db, account, mailbox, opened.uidValidity, now, recent[0].uid - 1);
    entries = await session.listAfter(recent[0].uid - 1);
  }
  const owner = bareAddress(read.deps.owner);
  for (const entry of entries) {
    signal.throwIfAborted();
    // Headers first: most mail in a shared INBOX is not a reply, and its body is not downloaded.
    const [head] = await session.fetchMessages([entry], 0);
    if (head && mightBeReply(db, await readReplyMail(head), owner)) {
      const [message] = await session.fetchMessages([entry], read.options.maxMessageBytes);
      if (message) await handleMessage(read, opened.uidValidity, entry.uid, await readReplyMail(message));
    }
    advanceReplyWatermark(db, account, mailbox, opened.uidValidity, entry.uid, context.now());
  }
}

/** From the headers alone: whether the message may be a reply (see `isReplyToBriefing`). */
function mightBeReply(db: Store, head: ReplyMail, owner: string | undefined): boolean {
  if (head.messageId && sentByUs(db, [head.messageId]).length > 0) return false;
  return (
    (head.references.length > 0 && sentByUs(db, head.references).length > 0) ||
    REPLY_SUBJECT.test(head.subject) ||
    (owner !== undefined && head.fromAddresses.includes(owner))
  );
}

const REPLY_SUBJECT = /^\s*((re|aw|sv|antw|réf|ref)\s*:\s*)+morning briefing\b/i;

/** Whether the message answers a briefing (see the file comment); the briefing itself is not. */
function isReplyToBriefing(db: Store, mail: ReplyMail, owner: string | undefined): boolean {
  if (mail.messageId && sentByUs(db, [mail.messageId]).length > 0) return false;
  if (mail.references.length && sentByUs(db, mail.references).length > 0) return true;
  if (REPLY_SUBJECT.test(mail.subject)) return true;
  return owner !== undefined && mail.fromAddresses.includes(owner) && parseReplyCommands(mail.text).commands.length > 0;
}

async function handleMessage(read: MailboxRead, uidValidity: string, uid: number, mail: ReplyMail): Promise<void> {
  const { context, deps, totals } = read;
  const db = context.db;
  const owner = bareAddress(deps.owner);
  if (!isReplyToBriefing(db, mail, owner)) return;
  const claim = claimReply(
    db,
    { account: read.account, mailbox: read.mailbox, uidValidity, uid },
    { messageId: mail.messageId, fromAddress: mail.fromAddresses[0] ?? null, subject: mail.subject || null, sentAt: mail.date?.toISOString() ?? null },
    context.now(),
  );
  if (claim.state === 'duplicate') totals.duplicates++;
  if (claim.state !== 'claimed') return;
  totals.replies++;
  const actions = await actOnReply(read, claim.id, mail, owner);
  finishReply(db, claim.id, actions, context.now());
  for (const action of actions) {
    totals[action.result]++;
    const fields = { event: action.result === 'refused' ? 'mail-reply-refused' : 'mail-reply-acted', reply: claim.id, from: mail.fromAddresses[0] ?? null, proposal: action.proposalId, result: action.result };
    if (action.result === 'refused') context.logger.warn(fields, `reply not acted on: ${action.text}`);
    else context.logger.info(fields, `reply ${action.result} proposal #${action.proposalId}`);
  }
}

async function actOnReply(read: MailboxRead, replyId: number, mail: ReplyMail, owner: string | undefined): Promise<ReplyAction[]> {
  const { context, deps } = read;
  const store = context.db;
  const refused = (text: string, proposalId?: number): ReplyAction => ({ result: 'refused', text, ...(proposalId !== undefined ? { proposalId } : {}) });
  if (!owner) return [refused('no owner address is configured (mail.smtp.to): no reply can act')];
  const from = mail.fromAddresses;
  if (from.length !== 1) return [refused(`From names ${from.length} addresses, not your address alone: nothing done`)];
  if (from[0] !== owner) return [refused('not from your address: nothing done')];
  if (mail.senderAddress !== null && mail.senderAddress !== owner) {
    return [refused(`sent on behalf of your address by ${mail.senderAddress.slice(0, 200)} (Sender header): nothing done`)];
  }
  if (mail.oversized) return [refused('too large to read: nothing done')];
  const parsed = parseReplyCommands(mail.text);
  const actions: ReplyAction[] = [];
  for (const line of parsed.unknown) {
    const verb = line.replace(/^[-*•]\s*/, '').split(/\s+/)[0].slice(0, 20);
    actions.push(refused(`unknown command "${verb}": only "approve N TOKEN" and "reject N TOKEN" are understood`));
  }
  for (const id of parsed.conflicting) actions.push(refused(`#${id} was both approved and rejected in the same reply: nothing done`, id));
  for (const command of parsed.commands) {
    const id = command.proposalId;
    if (command.token === undefined) {
      actions.push(refused(`${command.decision} #${id} without its token: copy the line "${command.decision} ${id} …" the briefing printed under it`, id));
      continue;
    }
    const check = checkReplyToken(store, id, command.token, replyId, context.now());
    if (!check.ok) {
      const why = { unknown: 'the token is wrong', 'other-proposal': 'the token belongs to another proposal', used: 'the token was already used', expired: 'the token has expired' }[check.reason];
      actions.push(refused(`${command.decision} #${id}: ${why}; nothing done`, id));
      continue;
    }
    if (!useReplyToken(store, check.tokenId, replyId, context.now())) {
      actions.push(refused(`${command.decision} #${id}: the token was already used; nothing done`, id));
      continue;
    }
    try {
      const outcome = await deps.decide({ db: store, proposalId: id, decision: command.decision, by: REPLY_DECIDER, router: context.router, logger: context.logger, timeZone: context.timezone });
      const proposal = outcome.proposal;
      if (!outcome.changed) {
        actions.push(refused(`#${id} was already ${proposal.state}${proposal.decidedBy ? ` (by ${proposal.decidedBy})` : ''}: nothing run again`, id));
      } else if (proposal.state === 'failed') {
        actions.push({ result: 'failed', proposalId: id, text: `${proposal.summary}: ${proposal.error ?? 'failed'}` });
      } else {
        actions.push({ result: proposal.state === 'rejected' ? 'rejected' : 'approved', proposalId: id, text: proposal.summary });
      }
    } catch (error) {
      if (!(error instanceof ProposalDecisionError)) throw error;
      actions.push(refused(`${command.decision} #${id}: ${error.message}`, id));
    }
  }
  if (actions.length === 0) actions.push(refused('no "approve N TOKEN" or "reject N TOKEN" line outside the quoted text: nothing done'));
  return actions;
}
