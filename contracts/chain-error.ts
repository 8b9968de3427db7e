/**
 * The error a whole chain fails with: every attempt's classified error is kept, so the
 * caller (and `runs show`) can say which models failed and why.
 */
import type { ErrorKind, Tier } from './types.ts';

export interface AttemptError {
  /** Ledger id of the attempt; 0 when no call was made (breaker open). */
  callId: number;
  model: string;
  provider: string;
  kind: ErrorKind;
  status?: number;
  message: string;
}

export class ChainError extends Error {
  /** The kind that ended the chain: the last attempt's, or the stopping attempt's (`bad_request`, `content_filtered`, `refused`). */
  readonly kind: ErrorKind;
  readonly tier: Tier;
  readonly attempts: AttemptError[];

  constructor(tier: Tier, attempts: AttemptError[], stoppedBy?: AttemptError) {
    const described = attempts.map(
      (attempt) => `${attempt.model} (${attempt.provider}): ${attempt.kind}${attempt.status ? ` ${attempt.status}` : ''}: ${attempt.message}`,
    );
    const head = stoppedBy
      ? stoppedBy.kind === 'refused'
        ? `${stoppedBy.model} declined to answer (refused)`
        : `${stoppedBy.model} refused the request (${stoppedBy.kind}), which no other model would accept either`
      : attempts.length === 0
        ? `no model of tier ${tier} can take this request`
        : `every model of tier ${tier} failed`;
    super(described.length > 0 ? `${head}: ${described.join('; ')}` : head);
    this.name = 'ChainError';
    this.kind = stoppedBy?.kind ?? attempts.at(-1)?.kind ?? 'circuit_open';
    this.tier = tier;
    this.attempts = attempts;
  }
}
