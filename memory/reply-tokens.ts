/**
 * One-time reply tokens: a briefing prints one under each pending proposal, and a reply from
 * the owner must quote it to approve or reject that proposal. Tokens are random (50 bits),
 * stored as their SHA-256 only, bound to one proposal, used once, and expire with the proposal
 * (at most `REPLY_TOKEN_TTL_MS` after they were printed).
 */
import { createHash, randomInt } from 'node:crypto';
import type { Store } from './store.ts';

/** A token printed today is good for a week at most (less when its proposal expires sooner). */
export const REPLY_TOKEN_TTL_MS = 7 * 24 * 3_600_000;

/** Crockford's base32 (no i, l, o, u), lower case: easy to read back from a phone. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const REPLY_TOKEN_LENGTH = 10;

/** The token as compared: lower case, with Crockford's look-alikes (o→0, i/l→1) mapped. */
export function normaliseReplyToken(token: string): string {
  return token.trim().toLowerCase().replace(/o/g, '0').replace(/[il]/g, '1');
}

function hashToken(token: string): string {
  return createHash('sha256').update(normaliseReplyToken(token)).digest('hex');
}

function newToken(): string {
  let token = '';
  for (let index = 0; index < REPLY_TOKEN_LENGTH; index++) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

/**
 * Issues a fresh token for each proposal and returns them by proposal id. Only their hashes
 * are stored; earlier tokens of the same proposals stay valid until used or expired (the owner
 * may answer yesterday's briefing).
 */
export function issueReplyTokens(
  db: Store,
  proposals: readonly { id: number; expiresAt?: string | null }[],
  options: { now: Date; runId?: number },
): Map<number, string> {
  const tokens = new Map<number, string>();
  const insert = db.prepare(
    `INSERT INTO reply_tokens (proposal_id, token_hash, run_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const proposal of proposals) {
      const token = newToken();
      const latest = options.now.getTime() + REPLY_TOKEN_TTL_MS;
      const proposalEnd = proposal.expiresAt ? Date.parse(proposal.expiresAt) : Number.POSITIVE_INFINITY;
      insert.run(proposal.id, hashToken(token), options.runId ?? null, options.now.toISOString(), new Date(Math.min(latest, proposalEnd)).toISOString());
      tokens.set(proposal.id, token);
    }
  })();
  return tokens;
}

export type TokenCheck =
  | { ok: true; tokenId: number }
  | { ok: false; reason: 'unknown' | 'other-proposal' | 'used' | 'expired' };

/**
 * Whether `token` may act on proposal `proposalId` for the reply `replyId`: it must be one of
 * that proposal's tokens, unexpired, and unused (or used by this same reply, so a reply whose
 * processing was cut short by a crash is finished on the next run, never refused by itself).
 */
export function checkReplyToken(db: Store, proposalId: number, token: string, replyId: number, now: Date): TokenCheck {
  const row = db.prepare('SELECT id, proposal_id, expires_at, used_at, used_by_reply FROM reply_tokens WHERE token_hash = ?').get(hashToken(token)) as
    | { id: number; proposal_id: number; expires_at: string; used_at: string | null; used_by_reply: number | null }
    | undefined;
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.proposal_id !== proposalId) return { ok: false, reason: 'other-proposal' };
  if (row.used_at !== null && row.used_by_reply !== replyId) return { ok: false, reason: 'used' };
  if (row.used_at === null && Date.parse(row.expires_at) <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, tokenId: row.id };
}

/** Marks the token used by `replyId`; false when another reply used it first (nothing may act then). */
export function useReplyToken(db: Store, tokenId: number, replyId: number, now: Date): boolean {
  const changed = db
    .prepare('UPDATE reply_tokens SET used_at = ?, used_by_reply = ? WHERE id = ? AND (used_at IS NULL OR used_by_reply = ?)')
    .run(now.toISOString(), replyId, tokenId, replyId).changes;
  return changed === 1;
}

/** The time the oldest token still usable was printed, or undefined when none is. */
export function oldestUsableTokenAt(db: Store, now: Date): Date | undefined {
  const row = db.prepare('SELECT MIN(created_at) AS at FROM reply_tokens WHERE used_at IS NULL AND expires_at > ?').get(now.toISOString()) as { at: string | null };
  return row.at ? new Date(row.at) : undefined;
}
