/**
 * The `email-extract` skill: for each configured IMAP account and mailbox, fetch the
 * messages above the stored watermark in bounded batches, extract facts from each on the
 * orchestration tier, and store each message with the watermark past it in one transaction.
 *
 * Guarantees, and why:
 * - Exactly once. A message's row and the watermark move together (memory/extractions.ts),
 *   so a crash or abort at any point leaves the message either stored with the watermark past
 *   it, or neither; a restart resumes at the first unstored UID. The only repeat is the model
 *   call that was in flight when the process died (at most one per crash), never a second row.
 * - One bad message never blocks a mailbox. An answer that fails validation is retried once a
 *   tier up; if that fails too, or the provider refuses the message itself (content filter,
 *   too long, bad request), the message is stored with status 'failed' and the error, and the
 *   watermark moves on. Outages, budget stops and aborts are not the message's fault: they
 *   stop the run with the watermark before the message, so the next run tries it again.
 * - Partial failure is reported, not hidden (skills/problems.ts). Each message stored as
 *   failed, the message an outage stopped at, and each account that could not be reached or
 *   failed part-way (the others are still read) is a problem: the run is `degraded` when
 *   something was extracted or an account read cleanly, `failed` when nothing was.
 * - UIDVALIDITY change (mailbox recreated, server migrated): every old UID may now name another
 *   message, so the mailbox is rescanned from UID 1 under the new validity. A message already
 *   stored (same account, content hash and Message-ID) is skipped without a model call, so
 *   nothing is processed twice and nothing is lost. The same check skips a copy of a message
 *   that was already extracted in another mailbox of the account.
 * - Untrusted mail. The request has no tools, and this skill has no capability but reading
 *   mail and writing its own tables: nothing in a message can send mail, run a skill or change
 *   config, whatever the model answers.
 */
import { z } from 'zod';
import { assertKnownOptionKeys } from '../option-keys.ts';
import { CheckFailedError } from '../escalation.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import { ChainError } from '../../contracts/chain-error.ts';
import type { ErrorKind } from '../../contracts/types.ts';
import type { ImapAccountConfig } from '../../config/schema.ts';
import { findStoredDuplicate, readWatermark, resetWatermark, skipMessage, storeMessage, type MessageRecord } from '../../memory/extractions.ts';
import { sentByUs } from '../../memory/mail-replies.ts';
import { bareAddress } from '../mail/address.ts';
import type { Store } from '../../memory/store.ts';
import type { Skill, SkillContext, SkillProblem, SkillResult } from '../types.ts';
import { aProblem, withProblems } from '../problems.ts';
import { extractEmail } from './extract.ts';
import { MailAccountError, openImapMailbox } from './imap-source.ts';
import type { AccessTokenSource } from '../google/access-token.ts';
import { DEFAULT_MAX_BODY_CHARS, parseEmail } from './parse.ts';
import type { Extraction, MailAccount, MailSession, MessageSize, OpenMailbox, ParsedEmail } from './types.ts';

export interface EmailExtractDeps {
  /** `config.mail.accounts`. */
  accounts: Record<string, ImapAccountConfig>;
  /** Opens an IMAP session; default `openImapMailbox`. Tests pass Dovecot-backed or fake sessions. */
  openMailbox?: OpenMailbox;
  /** Default: `context.now`. */
  clock?: () => Date;
  /** Access tokens for accounts with `oauth2: google` (Gmail over XOAUTH2), refreshed before they expire. */
  googleTokens?: AccessTokenSource;
  /**
   * The owner's address (`mail.smtp.to`). The owner's replies to a briefing are the
   * `mail-replies` skill's: they are passed over here, never extracted (see `isOurOwnMail`).
   */
  owner?: string;
}

const optionsSchema = z.strictObject({
  accounts: z.array(z.string()).min(1).optional().describe('Account names to read (default: all)'),
  batchSize: z.number().int().min(1).max(500).default(50),
  maxMessageBytes: z.number().int().min(1_024).default(5 * 1024 * 1024).describe('Larger messages: headers only'),
  maxBatchBytes: z.number().int().min(1_024).default(25 * 1024 * 1024).describe('Bytes fetched per batch at most'),
  maxBodyChars: z.number().int().min(500).default(DEFAULT_MAX_BODY_CHARS),
});
export type EmailExtractOptions = z.output<typeof optionsSchema>;

/** A header-only fetch costs about this much, whatever the message's size. */
const OVERSIZED_FETCH_BYTES = 64 * 1024;
const ERROR_TEXT_MAX = 500;

/** Counts for one run, kept in the run's details. */
export interface ExtractTotals {
  messages: number;
  extracted: number;
  failed: number;
  duplicates: number;
  actionItems: number;
  deadlines: number;
  /** Switchboard's own briefings and the owner's replies to them, passed over unread by the model. */
  ownMail: number;
  validityChanges: string[];
}

export class EmailExtractOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailExtractOptionsError';
  }
}

/** Validates the job's options; throws `EmailExtractOptionsError` naming each bad key. */
export function parseEmailExtractOptions(options: Record<string, unknown>, job = '<job>'): EmailExtractOptions {
  try {
    assertKnownOptionKeys(options, Object.keys(optionsSchema.shape), job, 'email-extract');
  } catch (error) {
    throw new EmailExtractOptionsError(`email-extract: ${(error as Error).message}`);
  }
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `options.${issue.path.join('.')}: ${issue.message}`);
  throw new EmailExtractOptionsError(`email-extract: ${problems.join('; ')}`);
}

export function createEmailExtractSkill(deps: EmailExtractDeps): Skill {
  const openMailbox = deps.openMailbox ?? openImapMailbox;
  return {
    name: 'email-extract',
    checkOptions(options, job) {
      const parsed = parseEmailExtractOptions(options, job);
      const unknown = (parsed.accounts ?? []).filter((name) => !deps.accounts[name]);
      if (unknown.length) throw new EmailExtractOptionsError(`email-extract: options.accounts names ${unknown.join(', ')}, not in mail.accounts`);
      if (Object.keys(deps.accounts).length === 0) throw new EmailExtractOptionsError('email-extract: no IMAP account is configured under mail.accounts');
    },
    description: 'Reads new mail over IMAP and stores its category, people, dates, action items, amounts and a summary',
    async run(context: SkillContext, signal: AbortSignal): Promise<SkillResult> {
      const options = parseEmailExtractOptions(context.options, context.job);
      const clock = deps.clock ?? (() => context.now());
      const names = options.accounts ?? Object.keys(deps.accounts);
      const unknown = names.filter((name) => !deps.accounts[name]);
      if (unknown.length) {
        throw new EmailExtractOptionsError(`email-extract: options.accounts names ${unknown.join(', ')}, not in mail.accounts`);
      }
      const totals: ExtractTotals = { messages: 0, extracted: 0, failed: 0, duplicates: 0, actionItems: 0, deadlines: 0, ownMail: 0, validityChanges: [] };
      const problems: SkillProblem[] = [];
      /** Accounts read to the end with no part failing. */
      let cleanAccounts = 0;
      let stoppedBy: unknown;
      for (const name of names) {
        signal.throwIfAborted();
        const account: MailAccount = { ...deps.accounts[name], name };
        if (account.oauth2 === 'google' && !deps.googleTokens) {
          throw new EmailExtractOptionsError(`mail.accounts.${name}.oauth2: google needs the google: section (client id, secret, refresh token)`);
        }
        let session: MailSession;
        try {
          if (account.oauth2 === 'google') account.accessToken = await deps.googleTokens!.get(signal);
          session = await openMailbox(account, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          // One account that cannot be reached does not keep the others from being read.
          problems.push(aProblem(`account:${name}`, error instanceof MailAccountError ? 'config' : 'unreachable', errorText(error)));
          context.logger.warn({ event: 'mail-account-unreachable', account: name, error: errorText(error) }, 'mail account could not be reached');
          continue;
        }
        const before = problems.length;
        try {
          for (const mailbox of account.mailboxes) {
            await extractMailbox({ context, signal, session, account, mailbox, options, clock, totals, owner: bareAddress(deps.owner), problems });
          }
        } catch (error) {
          if (signal.aborted || !(error instanceof ExtractionStopped || error instanceof MailServerError)) throw error;
          if (!(error instanceof ExtractionStopped)) {
            // The server dropped the connection or refused a mailbox: what was stored stays stored.
            problems.push(aProblem(`account:${name}`, 'imap', errorText(error)));
            context.logger.warn({ event: 'mail-account-failed', account: name, error: errorText(error) }, 'mail account failed part-way');
            continue;
          }
          // An outage or a budget stop is not the message's fault and would hit every later
          // message too: the run stops, the watermark stays before the message, the next run retries it.
          stoppedBy = error.cause;
          problems.push(aProblem(`message:${error.key}`, error.kind, `not extracted, retried next run: ${errorText(error.cause)}`));
        } finally {
          await session.close();
        }
        if (stoppedBy !== undefined) {
          // The accounts after it were not read either: named, so the run does not look more complete than it was.
          for (const rest of names.slice(names.indexOf(name) + 1)) {
            problems.push(aProblem(`account:${rest}`, 'not_read', 'not read: the model service failed earlier in this run; read on the next run'));
          }
          break;
        }
        if (problems.length === before) cleanAccounts++;
      }
      const succeeded = totals.extracted + cleanAccounts;
      // Nothing done and the service down: the outage itself is the run's error.
      if (succeeded === 0 && stoppedBy !== undefined) throw stoppedBy;
      return withProblems({ summary: summarise(totals), details: { ...totals } }, problems, succeeded);
    },
  };
}

/** The model service failed (not the message): the run stops before message `key`. */
class ExtractionStopped extends Error {
  readonly key: string;
  readonly kind: string;
  constructor(key: string, cause: unknown) {
    super(`extraction stopped at ${key}: ${errorText(cause)}`, { cause });
    this.name = 'ExtractionStopped';
    this.key = key;
    this.kind = errorKind(cause);
  }
}

/** The mail server or the connection to it failed part-way (not Switchboard): one account fails, not the run. */
class MailServerError extends Error {
  constructor(cause: unknown) {
    super(errorText(cause), { cause });
    this.name = 'MailServerError';
  }
}

/** Runs one IMAP operation; its failure (unless aborted) becomes a `MailServerError`. */
async function fromServer<T>(signal: AbortSignal, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new MailServerError(error);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The router's classified kind, `check_failed` for an answer that failed its check twice, else `error`. */
function errorKind(error: unknown): string {
  if (error instanceof CheckFailedError) return 'check_failed';
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : 'error';
}

interface MailboxRun {
  context: SkillContext;
  signal: AbortSignal;
  session: MailSession;
  account: MailAccount;
  mailbox: string;
  options: EmailExtractOptions;
  clock: () => Date;
  totals: ExtractTotals;
  owner: string | undefined;
  /** Messages stored as failed are added here, one problem each. */
  problems: SkillProblem[];
}

async function extractMailbox(run: MailboxRun): Promise<void> {
  const { context, session, account, mailbox, options, clock, signal } = run;
  const db = context.db;
  const opened = await fromServer(signal, () => session.open(mailbox));
  const stored = readWatermark(db, account.name, mailbox);
  if (!stored || stored.uidValidity !== opened.uidValidity) {
    if (stored) {
      context.logger.warn(
        { event: 'mail-validity-changed', account: account.name, mailbox, from: stored.uidValidity, to: opened.uidValidity },
        'UIDVALIDITY changed: rescanning the mailbox, skipping messages already stored',
      );
      run.totals.validityChanges.push(`${account.name}/${mailbox}`);
    }
    resetWatermark(db, account.name, mailbox, opened.uidValidity, clock());
  }
  const lastUid = readWatermark(db, account.name, mailbox)?.lastUid ?? 0;
  const pending = await fromServer(signal, () => session.listAfter(lastUid));
  for (const batch of batches(pending, options)) {
    signal.throwIfAborted();
    const messages = await fromServer(signal, () => session.fetchMessages(batch, options.maxMessageBytes));
    for (const message of messages) {
      signal.throwIfAborted();
      const email = await parseEmail(message, { maxBodyChars: options.maxBodyChars });
      if (isOurOwnMail(db, email, run.owner)) {
        if (skipMessage(db, account.name, mailbox, opened.uidValidity, message.uid, clock()) === 'skipped') run.totals.ownMail++;
        continue;
      }
      if (findStoredDuplicate(db, account.name, email.messageId ?? null, email.contentHash) !== undefined) {
        if (skipMessage(db, account.name, mailbox, opened.uidValidity, message.uid, clock()) === 'skipped') run.totals.duplicates++;
        continue;
      }
      const key = `${account.name}/${mailbox}/${opened.uidValidity}/${message.uid}`;
      const base = baseRecord(account.name, mailbox, opened.uidValidity, message.uid, message.size, message.oversized, email);
      let record: MessageRecord;
      let failure: unknown;
      try {
        const checked = await extractEmail(
          context.router,
          { key, email, timezone: context.timezone, currency: context.currency },
          signal,
          { runId: context.runId, job: context.job, skill: context.skill },
        );
        record = extractedRecord(base, checked.value, checked.response.modelId, checked.escalation !== undefined, checked.response.costUsd);
      } catch (error) {
        failure = error;
        if (signal.aborted) throw error;
        if (!isMessageFault(error)) {
          if (error instanceof ProviderError || error instanceof ChainError) throw new ExtractionStopped(key, error);
          throw error;
        }
        const reason = error instanceof Error ? error.message : String(error);
        record = { ...base, status: 'failed', error: reason.slice(0, ERROR_TEXT_MAX) };
        context.logger.warn({ event: 'mail-extract-failed', key, error: record.error }, 'extraction failed; stored as failed');
      }
      if (storeMessage(db, record, context.timezone, clock()) !== 'stored') continue;
      if (record.status === 'failed') run.problems.push(aProblem(`message:${key}`, errorKind(failure), record.error ?? 'extraction failed'));
      run.totals.messages++;
      if (record.status === 'extracted') {
        run.totals.extracted++;
        run.totals.actionItems += record.actionItems.length;
        run.totals.deadlines += record.dates.filter((date) => date.isDeadline).length;
      } else {
        run.totals.failed++;
      }
    }
  }
}

const REPLY_TO_BRIEFING = /^\s*((re|aw|sv|antw|réf|ref)\s*:\s*)+morning briefing\b/i;

/**
 * A briefing Switchboard sent (its Message-ID is a delivery's) or the owner's reply to one (From
 * is the owner's address and it answers a delivered briefing): they hold reply tokens and the
 * briefing's own lines, which must not reach a model nor come back as action items. The reply
 * reader (skills/mail-replies) decides what such a reply does. A stranger's mail claiming to be
 * a reply is extracted like any other mail: passing over it would hide it from the owner.
 */
export function isOurOwnMail(db: Store, email: ParsedEmail, owner: string | undefined): boolean {
  if (email.messageId && sentByUs(db, [email.messageId]).length > 0) return true;
  if (!owner || email.from?.address.trim().toLowerCase() !== owner) return false;
  return (email.replyTo !== undefined && sentByUs(db, email.replyTo).length > 0) || REPLY_TO_BRIEFING.test(email.subject);
}

/** Consecutive groups of at most `batchSize` messages and about `maxBatchBytes` fetched bytes. */
export function* batches(entries: MessageSize[], options: Pick<EmailExtractOptions, 'batchSize' | 'maxBatchBytes' | 'maxMessageBytes'>): Generator<MessageSize[]> {
  let batch: MessageSize[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const cost = entry.size > options.maxMessageBytes ? OVERSIZED_FETCH_BYTES : entry.size;
    if (batch.length && (batch.length >= options.batchSize || bytes + cost > options.maxBatchBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += cost;
  }
  if (batch.length) yield batch;
}

/**
 * Kinds by which a model turned down the request itself rather than failed to serve it. A
 * refusal is about this message too; `invalid_request` is not (it is Switchboard's request
 * shape, the same for every message, and the chain has already fallen back on it).
 */
const MESSAGE_FAULT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['content_filtered', 'context_too_long', 'bad_request', 'refused']);

/**
 * True when the error is about this message rather than the service: its answer failed
 * validation twice, or the model that ended the chain refused the message itself. For the
 * router's `ChainError` that is its `kind` (the router stops the chain at the first refusal,
 * after earlier attempts may have failed for other reasons, and moves a too-long request to
 * large-context before giving up on it). A chain that made no attempt (every breaker open)
 * is an outage. Such a message is stored as failed instead of blocking the mailbox.
 */
export function isMessageFault(error: unknown): boolean {
  if (error instanceof CheckFailedError) return true;
  if (error instanceof ChainError) return error.attempts.length > 0 && MESSAGE_FAULT_KINDS.has(error.kind);
  if (error instanceof ProviderError) return MESSAGE_FAULT_KINDS.has(error.kind);
  return false;
}

function baseRecord(
  account: string,
  mailbox: string,
  uidValidity: string,
  uid: number,
  size: number,
  oversized: boolean,
  email: ParsedEmail,
): MessageRecord {
  return {
    account,
    mailbox,
    uidValidity,
    uid,
    messageId: email.messageId ?? null,
    contentHash: email.contentHash,
    fromName: email.from?.name || null,
    fromAddress: email.from?.address || null,
    subject: email.subject || null,
    sentAt: email.date ? email.date.toISOString() : null,
    size,
    oversized,
    status: 'failed',
    category: null,
    summary: null,
    extraction: null,
    error: null,
    model: null,
    escalated: false,
    costUsd: 0,
    dates: [],
    actionItems: [],
    amounts: [],
  };
}

function extractedRecord(base: MessageRecord, extraction: Extraction, model: string, escalated: boolean, costUsd: number): MessageRecord {
  return {
    ...base,
    status: 'extracted',
    category: extraction.category,
    summary: extraction.summary,
    extraction,
    model,
    escalated,
    costUsd,
    dates: extraction.dates,
    actionItems: extraction.actionItems,
    amounts: extraction.amounts,
  };
}

/** "12 new messages, 3 action items, 2 deadlines" (+ failures and duplicates when any). */
export function summarise(totals: ExtractTotals): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    count(totals.messages, 'new message', 'new messages'),
    count(totals.actionItems, 'action item', 'action items'),
    count(totals.deadlines, 'deadline', 'deadlines'),
  ];
  if (totals.failed) parts.push(`${totals.failed} failed extraction${totals.failed === 1 ? '' : 's'}`);
  if (totals.duplicates) parts.push(count(totals.duplicates, 'duplicate skipped', 'duplicates skipped'));
  if (totals.ownMail) parts.push(count(totals.ownMail, 'briefing or reply to one passed over', 'briefings or replies to them passed over'));
  return parts.join(', ');
}
