/**
 * A circuit breaker per model, persisted through memory/breakers.ts so every process sees
 * one state. Closed: calls pass; `failureThreshold` consecutive retryable failures open it.
 * Open: calls are refused until `cooldownMs` has passed. Then ONE caller claims the probe
 * (half-open); everyone else still sees it open while the probe is in flight. The probe's
 * success closes it, its retryable failure re-opens it for another cooldown. A probe that
 * never reports back (its process died) loses its claim after one more cooldown.
 */
import { readBreaker, updateBreaker, type BreakerRow } from '../../memory/breakers.ts';
import type { Store } from '../../memory/store.ts';
import { isRetryable } from '../../contracts/provider-error.ts';
import type { ErrorKind } from '../../contracts/types.ts';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  clock?: () => Date;
}

export type Admission =
  | { admitted: true; probe: boolean }
  | { admitted: false; state: 'open' | 'half_open'; retryAt: Date; reason: string };

export interface ModelBreaker {
  /** Whether a call to `model` may go now; claims the half-open probe when it is due. */
  admit(model: string): Admission;
  /** True when `admit` would refuse right now; never changes state (for `decide`). */
  isOpen(model: string): boolean;
  recordSuccess(model: string, probe: boolean): void;
  /** Only retryable kinds count as failures; see the file comment for the rest. */
  recordFailure(model: string, kind: ErrorKind, probe: boolean): void;
}

/** Retryable failures say the model is unavailable; circuit_open is the breaker's own verdict. */
function countsAsFailure(kind: ErrorKind): boolean {
  return isRetryable(kind) && kind !== 'circuit_open';
}

export function createBreaker(db: Store, options: BreakerOptions): ModelBreaker {
  const clock = options.clock ?? (() => new Date());
  const { failureThreshold, cooldownMs } = options;

  const elapsedSince = (iso: string | null, now: Date) => (iso === null ? Infinity : now.getTime() - Date.parse(iso));

  /** What `admit` would answer for `row` at `now`, and the row to write if it claims the probe. */
  function evaluate(row: BreakerRow | undefined, now: Date): { admission: Admission; claim?: BreakerRow } {
    if (!row || row.state === 'closed') return { admission: { admitted: true, probe: false } };
    const sinceOpened = elapsedSince(row.openedAt, now);
    const sinceProbe = elapsedSince(row.probeStartedAt, now);
    const probeDue = row.state === 'open' ? sinceOpened >= cooldownMs : sinceProbe >= cooldownMs;
    if (probeDue) {
      const claim: BreakerRow = { ...row, state: 'half_open', probeStartedAt: now.toISOString(), updatedAt: now.toISOString() };
      return { admission: { admitted: true, probe: true }, claim };
    }
    const retryAt =
      row.state === 'open'
        ? new Date(Date.parse(row.openedAt ?? now.toISOString()) + cooldownMs)
        : new Date(Date.parse(row.probeStartedAt ?? now.toISOString()) + cooldownMs);
    const reason =
      row.state === 'open'
        ? `breaker open after ${row.consecutiveFailures} consecutive failures (last: ${row.lastErrorKind ?? 'unknown'}) until ${retryAt.toISOString()}`
        : 'breaker half-open: a probe call is in flight';
    return { admission: { admitted: false, state: row.state, retryAt, reason } };
  }

  return {
    admit(model) {
      const now = clock();
      const first = evaluate(readBreaker(db, model), now);
      if (!first.claim) return first.admission;
      // Claiming the probe must be atomic across processes: decide again inside the transaction.
      let admission: Admission = first.admission;
      updateBreaker(db, model, (current) => {
        const again = evaluate(current, now);
        admission = again.admission;
        return again.claim;
      });
      return admission;
    },

    isOpen(model) {
      const { admission } = evaluate(readBreaker(db, model), clock());
      return !admission.admitted;
    },

    recordSuccess(model) {
      const row = readBreaker(db, model);
      if (!row || (row.state === 'closed' && row.consecutiveFailures === 0)) return;
      const now = clock().toISOString();
      updateBreaker(db, model, (current) =>
        current
          ? { ...current, state: 'closed', consecutiveFailures: 0, openedAt: null, probeStartedAt: null, updatedAt: now }
          : undefined,
      );
    },

    recordFailure(model, kind, probe) {
      const now = clock();
      const nowIso = now.toISOString();
      if (kind === 'aborted') {
        // The caller gave up: says nothing about the model. Free the probe for the next caller.
        if (probe) updateBreaker(db, model, (current) => (current ? { ...current, probeStartedAt: null, updatedAt: nowIso } : undefined));
        return;
      }
      if (!countsAsFailure(kind)) {
        // auth, bad_request, context_too_long...: the endpoint answered, so a probe proves it is up.
        if (probe) this.recordSuccess(model, probe);
        return;
      }
      updateBreaker(db, model, (current) => {
        const failures = (current?.consecutiveFailures ?? 0) + 1;
        const base: BreakerRow = current ?? {
          model,
          state: 'closed',
          consecutiveFailures: 0,
          openedAt: null,
          probeStartedAt: null,
          lastErrorKind: null,
          updatedAt: nowIso,
        };
        const updated = { ...base, consecutiveFailures: failures, lastErrorKind: kind, updatedAt: nowIso };
        if (base.state === 'half_open') return { ...updated, state: 'open', openedAt: nowIso, probeStartedAt: null };
        if (base.state === 'open') return updated;
        if (failures >= failureThreshold) return { ...updated, state: 'open', openedAt: nowIso, probeStartedAt: null };
        return updated;
      });
    },
  };
}
