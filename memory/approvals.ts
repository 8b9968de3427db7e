/**
 * The approvals queue: a write asked for from untrusted content (a mail, a page, a feed, tool
 * output) is stored here as a proposal instead of being done. The owner approves or rejects it;
 * approving runs the action once, whoever approves and however often. Rejected, expired and
 * failed proposals are kept for the record. The store knows nothing of what an action does:
 * the caller of `decideProposal` hands in the executor.
 */
import type { Store } from './store.ts';

export const PROPOSAL_STATES = ['pending', 'approved', 'rejected', 'expired', 'failed'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** A proposal expires when nobody decided within this long (unless created with another `expiresAt`). */
export const DEFAULT_PROPOSAL_TTL_MS = 7 * 24 * 3_600_000;

/** The content that caused a proposal. Every field is untrusted text: escape it when shown. */
export interface ProposalSource {
  /** mail | calendar | web | feed | market | tool | model */
  kind?: string;
  messageId?: string;
  sender?: string;
  url?: string;
  /** A short label (a mail subject, a feed title). */
  label?: string;
}

export interface NewProposal {
  /** What kind of write: `remember`, `code-edit`, `command`, `mail`, `calendar` or a tool's name. */
  kind: string;
  /** Exactly what approving executes (JSON-serialisable). */
  payload: Record<string, unknown>;
  /** One line: what would happen. */
  summary: string;
  /** Why this is a proposal rather than an action. */
  reason: string;
  job?: string;
  runId?: number;
  source?: ProposalSource;
  /** What was prepared for the owner to look at (for a code edit: the diff and the test result). */
  preparation?: unknown;
  /** Proposals with the same key are one proposal: asking again returns the first. */
  dedupeKey?: string;
  /** Default `now + DEFAULT_PROPOSAL_TTL_MS`; null never expires. */
  expiresAt?: Date | null;
  now?: Date;
}

export interface Proposal {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  summary: string;
  reason: string;
  job: string | null;
  runId: number | null;
  source: ProposalSource;
  preparation: unknown;
  state: ProposalState;
  createdAt: string;
  expiresAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  /** When the approved action finished running (or failed); null while it runs or was never approved. */
  executedAt: string | null;
  result: unknown;
  error: string | null;
}

interface ProposalRow {
  id: number;
  kind: string;
  payload: string;
  summary: string;
  reason: string;
  job: string | null;
  run_id: number | null;
  source_kind: string | null;
  source_message_id: string | null;
  source_sender: string | null;
  source_url: string | null;
  source_label: string | null;
  preparation: string | null;
  state: ProposalState;
  created_at: string;
  expires_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  executed_at: string | null;
  result: string | null;
  error: string | null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toProposal(row: ProposalRow): Proposal {
  const source: ProposalSource = {};
  if (row.source_kind !== null) source.kind = row.source_kind;
  if (row.source_message_id !== null) source.messageId = row.source_message_id;
  if (row.source_sender !== null) source.sender = row.source_sender;
  if (row.source_url !== null) source.url = row.source_url;
  if (row.source_label !== null) source.label = row.source_label;
  return {
    id: row.id,
    kind: row.kind,
    payload: parseJson(row.payload) as Record<string, unknown>,
    summary: row.summary,
    reason: row.reason,
    job: row.job,
    runId: row.run_id,
    source,
    preparation: parseJson(row.preparation),
    state: row.state,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    executedAt: row.executed_at,
    result: parseJson(row.result),
    error: row.error,
  };
}

/**
 * Stores a pending proposal and returns it. With a `dedupeKey` already stored, nothing is
 * written and the existing proposal (in whatever state) is returned. Throws on an empty kind,
 * summary or reason.
 */
export function createProposal(db: Store, proposal: NewProposal): Proposal {
  for (const field of ['kind', 'summary', 'reason'] as const) {
    if (proposal[field].trim() === '') throw new Error(`a proposal needs a ${field}`);
  }
  const now = proposal.now ?? new Date();
  const expiresAt =
    proposal.expiresAt === null ? null : (proposal.expiresAt ?? new Date(now.getTime() + DEFAULT_PROPOSAL_TTL_MS)).toISOString();
  const source = proposal.source ?? {};
  const row = db
    .prepare(
      `INSERT INTO proposals (kind, payload, summary, reason, job, run_id, source_kind, source_message_id, source_sender,
                              source_url, source_label, preparation, dedupe_key, state, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
    )
    .get(
      proposal.kind,
      JSON.stringify(proposal.payload),
      proposal.summary,
      proposal.reason,
      proposal.job ?? null,
      proposal.runId ?? null,
      source.kind ?? null,
      source.messageId ?? null,
      source.sender ?? null,
      source.url ?? null,
      source.label ?? null,
      proposal.preparation === undefined ? null : JSON.stringify(proposal.preparation),
      proposal.dedupeKey ?? null,
      now.toISOString(),
      expiresAt,
    ) as { id: number } | undefined;
  const id = row?.id ?? (db.prepare('SELECT id FROM proposals WHERE dedupe_key = ?').get(proposal.dedupeKey) as { id: number }).id;
  return readProposal(db, id)!;
}

function readProposal(db: Store, id: number): Proposal | undefined {
  const row = db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRow | undefined;
  return row ? toProposal(row) : undefined;
}

/** Marks pending proposals past their `expires_at` as expired; returns how many. */
export function expireProposals(db: Store, now: Date = new Date()): number {
  return db
    .prepare(`UPDATE proposals SET state = 'expired' WHERE state = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?`)
    .run(now.toISOString()).changes;
}

/** The proposal with this id (expired first if its time is up), or undefined. */
export function getProposal(db: Store, id: number, now: Date = new Date()): Proposal | undefined {
  expireProposals(db, now);
  return readProposal(db, id);
}

/**
 * Proposals newest first, in `state` when given (one or several); empty when none. Expires
 * stale pending ones first, so a listing never offers what can no longer be approved.
 */
export function listProposals(
  db: Store,
  options: { state?: ProposalState | readonly ProposalState[]; limit?: number; now?: Date } = {},
): Proposal[] {
  expireProposals(db, options.now);
  const states = options.state === undefined ? [...PROPOSAL_STATES] : typeof options.state === 'string' ? [options.state] : [...options.state];
  if (states.length === 0) return [];
  const rows = db
    .prepare(`SELECT * FROM proposals WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT ?`)
    .all(...states, options.limit ?? -1) as ProposalRow[];
  return rows.map(toProposal);
}

/** How many proposals wait for a decision (after expiring stale ones). */
export function countPendingProposals(db: Store, now: Date = new Date()): number {
  expireProposals(db, now);
  return (db.prepare(`SELECT COUNT(*) AS count FROM proposals WHERE state = 'pending'`).get() as { count: number }).count;
}

/** Why a decision could not be taken; the message names the proposal and its state. */
export class ProposalDecisionError extends Error {
  readonly reason: 'unknown' | 'expired' | 'decided';
  readonly proposal?: Proposal;
  constructor(reason: 'unknown' | 'expired' | 'decided', message: string, proposal?: Proposal) {
    super(message);
    this.name = 'ProposalDecisionError';
    this.reason = reason;
    this.proposal = proposal;
  }
}

/** Runs an approved proposal's action with the owner's authority; its return value is stored as the result. */
export type ProposalExecutor = (proposal: Proposal) => Promise<unknown>;

/** The process that runs the action (pid and, where known, an identity that survives pid reuse). */
export interface ExecutorProcess {
  pid: number;
  identity?: string;
}

export type Decision =
  | { decision: 'approve'; by: string; execute: ProposalExecutor; now?: () => Date; executor?: ExecutorProcess }
  | { decision: 'reject'; by: string; now?: () => Date };

export interface DecisionOutcome {
  proposal: Proposal;
  /** True only for the one call that changed the state (and, for an approval, ran the action). */
  changed: boolean;
}

/**
 * Approves or rejects a pending proposal. The state changes in one conditional UPDATE, so of
 * any number of concurrent callers (processes included) exactly one wins; only that one runs
 * `execute`. Approving records who and when, runs the action, then stores its result (state
 * `approved`) or its error (state `failed`, never retried). Deciding again the same way returns
 * the proposal as it is with `changed: false`. Throws `ProposalDecisionError` for an unknown id,
 * an expired proposal, or one already decided the other way.
 */
export async function decideProposal(db: Store, id: number, decision: Decision): Promise<DecisionOutcome> {
  const now = decision.now ?? (() => new Date());
  const at = now();
  expireProposals(db, at);
  const target = decision.decision === 'approve' ? 'approved' : 'rejected';
  const executor = decision.decision === 'approve' ? (decision.executor ?? { pid: process.pid }) : undefined;
  const claimed =
    db
      .prepare(
        `UPDATE proposals SET state = ?, decided_by = ?, decided_at = ?, executor_pid = ?, executor_identity = ? WHERE id = ? AND state = 'pending'`,
      )
      .run(target, decision.by, at.toISOString(), executor?.pid ?? null, executor?.identity ?? null, id).changes === 1;
  const current = readProposal(db, id);
  if (!current) throw new ProposalDecisionError('unknown', `no proposal #${id}`);
  if (!claimed) {
    const sameWay = current.state === target || (target === 'approved' && current.state === 'failed' && current.decidedAt !== null);
    if (sameWay) return { proposal: current, changed: false };
    if (current.state === 'expired') {
      throw new ProposalDecisionError('expired', `proposal #${id} expired at ${current.expiresAt} without a decision; nothing was done`, current);
    }
    throw new ProposalDecisionError(
      'decided',
      `proposal #${id} is already ${current.state}${current.decidedBy ? ` (by ${current.decidedBy} at ${current.decidedAt})` : ''}`,
      current,
    );
  }
  if (decision.decision === 'reject') return { proposal: current, changed: true };
  try {
    const result = await decision.execute(current);
    db.prepare(`UPDATE proposals SET executed_at = ?, result = ? WHERE id = ?`).run(
      now().toISOString(),
      JSON.stringify(result ?? null),
      id,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    db.prepare(`UPDATE proposals SET state = 'failed', executed_at = ?, error = ? WHERE id = ?`).run(now().toISOString(), message.slice(0, 2_000), id);
  }
  return { proposal: readProposal(db, id)!, changed: true };
}

/**
 * Approved proposals whose action never finished because the process running it died (kill -9,
 * a crash, a reboot) become `failed`, saying so: an approval is never shown as done when its
 * action did not finish, and it is not run again on its own (the action may have half-happened;
 * the owner decides). Returns the ids it failed.
 */
export function failInterruptedApprovals(
  db: Store,
  isAlive: (pid: number, identity: string | null) => boolean,
  now: Date = new Date(),
): number[] {
  const rows = db
    .prepare(`SELECT id, executor_pid, executor_identity FROM proposals WHERE state = 'approved' AND executed_at IS NULL AND executor_pid IS NOT NULL`)
    .all() as { id: number; executor_pid: number; executor_identity: string | null }[];
  const failed: number[] = [];
  const mark = db.prepare(
    `UPDATE proposals SET state = 'failed', executed_at = ?, error = ? WHERE id = ? AND state = 'approved' AND executed_at IS NULL`,
  );
  for (const row of rows) {
    if (isAlive(row.executor_pid, row.executor_identity)) continue;
    const error =
      `interrupted: the process running the approved action (pid ${row.executor_pid}) ended before it finished; ` +
      'it was not run again, since part of it may have happened: check, then propose it again or do it by hand';
    if (mark.run(now.toISOString(), error, row.id).changes === 1) failed.push(row.id);
  }
  return failed;
}

/** The one-line command that approves proposal `id`, as the briefing, mail and the CLI show it. */
export function approveCommand(id: number): string {
  return `switchboard approvals approve ${id}`;
}
