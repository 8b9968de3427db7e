/**
 * Budget leases: one write transaction per attempt where the caps leave room.
 *
 * A per-call reservation (memory/budget.ts) costs a write transaction before the call and
 * another after it. A call cannot be one transaction: the reservation must be visible to every
 * other process before the provider is asked, and the ledger row exists only once it answered;
 * a transaction held across a network call would stop every other writer for its length.
 * A lease moves the first write off most calls: the process reserves, in one row of
 * `budget_reservations` (model `(lease)`), room for its next calls of one day, month, tier and
 * job, and draws on it in memory. Only the settlement writes (the ledger row, in one transaction).
 *
 * The rules that keep every cap:
 * - A lease is granted or resized in a `BEGIN IMMEDIATE` transaction against the running totals,
 *   exactly like a reservation: settled spend + every reservation and lease + the new size must fit
 *   under every applicable cap. A call that does not fit is refused with the cap that blocks it.
 * - A call is admitted without a write only while its lease's drawn amounts (settled cost since
 *   the grant + in-flight worst cases + this call's worst case) fit in the lease, and the lease row
 *   is younger than `RENEW_AFTER_MS` (rows older than `STALE_AFTER_MS` may be cleared by anyone).
 *   Real spend therefore never exceeds what was granted, except by an overrun (a call costing more
 *   than its worst case), recorded as before.
 * - Where the caps leave room, a lease holds its need plus at most a quarter of the remaining
 *   headroom (and at most `MAX_LEASE_CALLS` worst cases). Its settled part is counted twice (spent,
 *   and reserved until the next resize): conservative, so another process may be refused up to that
 *   much earlier than with per-call reservations, never later. Within `TIGHT_CALLS` worst cases of a
 *   cap the lease holds exactly what is in flight and shrinks with each settlement (still one
 *   transaction), so a cap is filled to the last call as before.
 * - `release()` drops the leases (a closing process); a dead process's leases are cleared by the
 *   next grant of any process (and by `clearStaleReservations`); a new router drops the leases its own process left
 *   (a reload), and a lease whose row is gone is granted again before it admits a call.
 */
import { applicableCaps, describeOverrun, EPSILON_USD, isProcessAlive, totalsOf, type BlockingCap, type BudgetCaps, type BudgetOverrun, type ReservationRequest, type Settlement } from './budget.ts';
import { ledgerPeriod, recordCall, type CallRecord } from './ledger.ts';
import { ledgerTimeZone } from './ledger-days.ts';
import { cachedRead, forgetCached, noteOwnWrite } from './read-cache.ts';
import type { Store } from './store.ts';

export const LEASE_MODEL = '(lease)';
/** A lease older than this is resized (one write) before it admits another call. */
export const RENEW_AFTER_MS = 10 * 60_000;
/** A lease row this old is idle: `clearIdleLeases` may delete it. */
export const STALE_AFTER_MS = 2 * RENEW_AFTER_MS;
const MAX_LEASE_CALLS = 64;
const HEADROOM_SHARE = 0.25;
const TIGHT_CALLS = 8;

/** What `settle` or `release` needs back: nothing held (no cap applies), or a draw on a lease. */
export type BudgetTicket = { kind: 'none' } | { kind: 'lease'; key: string; amountUsd: number };

export type LeaseResult = { ok: true; ticket: BudgetTicket; wrote: boolean } | { ok: false; blocked: BlockingCap };

interface Lease {
  rowId: number;
  day: string;
  month: string;
  tier: string;
  job: string;
  amountUsd: number;
  /** Settled cost of calls drawn since the grant. */
  consumedUsd: number;
  /** Worst cases of calls drawn and not yet settled. */
  inFlightUsd: number;
  grantedAtMs: number;
  /** Granted without room to spare: shrinks at each settlement. */
  tight: boolean;
}

export interface BudgetLeases {
  /** Admits a call against `caps`: from its lease in memory when it fits, else by resizing the lease (one write). */
  reserve(request: ReservationRequest, caps: BudgetCaps): LeaseResult;
  /** The same admission when it needs no write (no cap applies, or the lease has room); undefined when `reserve` must grant. */
  admitWithoutWrite(request: ReservationRequest, caps: BudgetCaps): LeaseResult | undefined;
  /** Writes the call's ledger row (and a tight lease's shrink, and any overrun event) in one transaction. */
  settle(ticket: BudgetTicket, call: CallRecord, caps: BudgetCaps): Settlement;
  /**
   * Several calls' settlements in one transaction (group commit: the pages they share are written
   * once), each exactly as `settle` alone would write it, in order. All or none are written.
   */
  settleMany(items: readonly { ticket: BudgetTicket; call: CallRecord }[], caps: BudgetCaps): Settlement[];
  /** Gives back a draw whose call was never made; no write. */
  cancel(ticket: BudgetTicket): void;
  /** Deletes every lease this instance holds (one transaction); later calls grant new ones. */
  release(): void;
  /** Write transactions this instance committed (grants, settlements, releases), for tests and benches; an attempt the lock refused is not one. */
  readonly writes: number;
}

const OWN_ROW = `WHERE id = ? AND pid = ? AND day = ? AND tier = ? AND job = ? AND model = '${LEASE_MODEL}'`;

const leaseKey = (request: { day: string; month: string; tier: string; job?: string }) => `${request.day}\u0000${request.month}\u0000${request.tier}\u0000${request.job ?? ''}`;

/**
 * Deletes lease rows not resized for `STALE_AFTER_MS` (their holder would resize before using
 * them) and those of processes that are gone (a command that exited without releasing). Returns how many.
 */
export function clearIdleLeases(db: Store, now: Date = new Date(), isAlive: (pid: number) => boolean = isProcessAlive): number {
  const cutoff = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  let cleared = db.prepare('DELETE FROM budget_reservations WHERE model = ? AND created_at < ?').run(LEASE_MODEL, cutoff).changes;
  for (const pid of db.prepare('SELECT DISTINCT pid FROM budget_reservations WHERE model = ?').pluck().all(LEASE_MODEL) as number[]) {
    if (!isAlive(pid)) cleared += db.prepare('DELETE FROM budget_reservations WHERE model = ? AND pid = ?').run(LEASE_MODEL, pid).changes;
  }
  // A lease row this process remembers as present may be gone.
  if (cleared > 0) noteOwnWrite(db);
  return cleared;
}

/**
 * Deletes the leases process `pid` holds (default this one): a new router's clean-up, since
 * leases an earlier router of the process left (a reload with other caps) would hold money until
 * idle. That router, if still running, grants again before its next call. Returns how many.
 */
export function dropOwnLeases(db: Store, pid: number = process.pid): number {
  const dropped = db.prepare('DELETE FROM budget_reservations WHERE model = ? AND pid = ?').run(LEASE_MODEL, pid).changes;
  if (dropped > 0) noteOwnWrite(db);
  return dropped;
}

/** The leases of one process's router on `db`. `pid` defaults to this process. Writes nothing until used. */
export function createBudgetLeases(db: Store, options: { pid?: number } = {}): BudgetLeases {
  const pid = options.pid ?? process.pid;
  const leases = new Map<string, Lease>();
  let writes = 0;
  const own = (lease: Lease): [number, number, string, string, string] => [lease.rowId, pid, lease.day, lease.tier, lease.job];
  const statements = {
    insert: db.prepare<[string, string, string, string, string, string, number, number]>(
      'INSERT INTO budget_reservations (created_at, day, month, tier, job, model, amount_usd, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // A row id names a lease only with its owner and key: a cleared row's id can be reused by another row.
    resize: db.prepare<[number, string, number, number, string, string, string]>(`UPDATE budget_reservations SET amount_usd = ?, created_at = ? ${OWN_ROW}`),
    shrink: db.prepare<[number, number, number, string, string, string]>(`UPDATE budget_reservations SET amount_usd = ? ${OWN_ROW}`),
    remove: db.prepare<[number, number, string, string, string]>(`DELETE FROM budget_reservations ${OWN_ROW}`),
    exists: db.prepare<[number, number, string, string, string]>(`SELECT 1 FROM budget_reservations ${OWN_ROW}`),
    overrun: db.prepare<[string, string, string, string | null, string, string, number]>(
      `INSERT INTO budget_events (at, day, month, job, kind, from_tier, cap, over_usd) VALUES (?, ?, ?, ?, 'overrun', ?, ?, ?)`,
    ),
  };

  /**
   * The lease's row is still there (a primary-key read, answered from memory while neither
   * another connection nor this process changed the database's lease rows: memory/read-cache.ts).
   */
  const rowKey = (lease: Lease) => `lease\u0000${own(lease).join('\u0000')}`;
  const rowExists = (lease: Lease): boolean => cachedRead(db, rowKey(lease), () => statements.exists.get(...own(lease)) !== undefined);
  /** A lease this instance no longer holds: its cached row check goes too (a daemon's leases change daily). */
  const forget = (lease: Lease | undefined) => {
    if (lease) forgetCached(db, rowKey(lease));
  };

  /**
   * Grants or resizes the lease of `request`'s key inside a write transaction; refuses when a cap
   * would be passed. The leases in memory change only once the transaction committed.
   */
  function grant(request: ReservationRequest, caps: BudgetCaps, current: Lease | undefined): LeaseResult {
    const key = leaseKey(request);
    const applicable = applicableCaps(caps, request.tier, request.job);
    const nowIso = request.createdAt.toISOString();
    const need = (current?.inFlightUsd ?? 0) + request.amountUsd;
    // Leases of earlier days with nothing in flight hold money for nothing: given back in the same transaction.
    const expired = [...leases].filter(([otherKey, other]) => otherKey !== key && other.inFlightUsd === 0 && other.day !== request.day);
    const granted = db.transaction((): { ok: true; lease: Lease } | { ok: false; blocked: BlockingCap } => {
      clearIdleLeases(db, request.createdAt);
      // Its row may have been cleared as idle (or by a restart's clean-up): then it holds nothing any more.
      const exists = current !== undefined && statements.exists.get(...own(current)) !== undefined;
      const held = exists ? current.amountUsd : 0;
      let room = Infinity;
      for (const cap of applicable) {
        const { spentUsd, reservedUsd } = totalsOf(db, cap, request.day, request.month);
        const others = reservedUsd - held;
        if (spentUsd + others + need > cap.capUsd + EPSILON_USD) {
          return { ok: false, blocked: { ...cap, spentUsd, reservedUsd: others + (current?.inFlightUsd ?? 0), requestedUsd: request.amountUsd } };
        }
        room = Math.min(room, cap.capUsd - spentUsd - others - need);
      }
      const tight = room < TIGHT_CALLS * request.amountUsd;
      const amountUsd = need + (tight ? 0 : Math.min(room * HEADROOM_SHARE, MAX_LEASE_CALLS * request.amountUsd));
      let rowId: number;
      if (exists) {
        rowId = current.rowId;
        statements.resize.run(amountUsd, nowIso, ...own(current));
      } else {
        rowId = Number(statements.insert.run(nowIso, request.day, request.month, request.tier, request.job ?? '', LEASE_MODEL, amountUsd, pid).lastInsertRowid);
      }
      for (const [, other] of expired) statements.remove.run(...own(other));
      const lease: Lease = {
        rowId,
        day: request.day,
        month: request.month,
        tier: request.tier,
        job: request.job ?? '',
        amountUsd,
        consumedUsd: 0,
        inFlightUsd: need,
        grantedAtMs: request.createdAt.getTime(),
        tight,
      };
      return { ok: true, lease };
    });
    let result: ReturnType<typeof granted.immediate>;
    try {
      result = granted.immediate();
    } finally {
      // Lease rows were inserted, resized or deleted (or rolled back): what `rowExists` remembers is void.
      noteOwnWrite(db);
    }
    writes++;
    if (!result.ok) return result;
    for (const [otherKey, other] of expired) {
      forget(other);
      leases.delete(otherKey);
    }
    if (current && current.rowId !== result.lease.rowId) forget(current);
    leases.set(key, result.lease);
    return { ok: true, ticket: { kind: 'lease', key, amountUsd: request.amountUsd }, wrote: true };
  }

  /** The settlements' one transaction, built once (`db.transaction` makes new wrappers on each call). */
  const settleTransaction = db.transaction(
    (items: readonly { ticket: BudgetTicket; call: CallRecord }[], inFlightAfter: readonly number[], caps: BudgetCaps): Settlement[] => {
      // The ledger's zone is read inside the transaction: a re-count of the days (another process) is never half-seen.
      const timeZone = ledgerTimeZone(db);
      return items.map(({ ticket, call }, index) => {
        const lease = ticket.kind === 'lease' ? leases.get(ticket.key) : undefined;
        const drawn = ticket.kind === 'lease' ? ticket.amountUsd : 0;
        const callId = recordCall(db, call, timeZone);
        // Near a cap the lease holds exactly what is in flight (nothing between calls): the settled cost now counts as spent.
        if (lease?.tight) {
          if (inFlightAfter[index]! > 0) statements.shrink.run(inFlightAfter[index]!, ...own(lease));
          else statements.remove.run(...own(lease));
        }
        const overruns: BudgetOverrun[] = [];
        if (call.costUsd <= drawn) return { callId, overruns };
        const { day, month } = ledgerPeriod(call.startedAt, timeZone);
        for (const cap of applicableCaps(caps, call.tier, call.job)) {
          const { spentUsd } = totalsOf(db, cap, day, month);
          if (spentUsd <= cap.capUsd + EPSILON_USD || spentUsd - call.costUsd > cap.capUsd + EPSILON_USD) continue;
          const overrun: BudgetOverrun = { ...cap, spentUsd, overUsd: spentUsd - cap.capUsd, callCostUsd: call.costUsd, reservedUsd: drawn };
          overruns.push(overrun);
          statements.overrun.run(call.startedAt.toISOString(), day, month, call.job ?? null, call.tier, describeOverrun(overrun), overrun.overUsd);
        }
        return { callId, overruns };
      });
    },
  );

  const self: BudgetLeases = {
    get writes() {
      return writes;
    },

    reserve(request, caps) {
      return self.admitWithoutWrite(request, caps) ?? grant(request, caps, leases.get(leaseKey(request)));
    },

    admitWithoutWrite(request, caps) {
      if (applicableCaps(caps, request.tier, request.job).length === 0) return { ok: true, ticket: { kind: 'none' }, wrote: false };
      const key = leaseKey(request);
      const lease = leases.get(key);
      const fresh = lease !== undefined && request.createdAt.getTime() - lease.grantedAtMs < RENEW_AFTER_MS && request.createdAt.getTime() >= lease.grantedAtMs;
      // Its row still there (a primary-key read): a lease cleared by another router or a clean-up is granted again.
      if (
        lease &&
        fresh &&
        !lease.tight &&
        lease.consumedUsd + lease.inFlightUsd + request.amountUsd <= lease.amountUsd + EPSILON_USD &&
        rowExists(lease)
      ) {
        lease.inFlightUsd += request.amountUsd;
        return { ok: true, ticket: { kind: 'lease', key, amountUsd: request.amountUsd }, wrote: false };
      }
      return undefined;
    },

    settle(ticket, call, caps) {
      return this.settleMany([{ ticket, call }], caps)[0]!;
    },

    settleMany(items, caps) {
      // Each settlement in turn, as if alone: a later one on the same lease sees the earlier one's in-flight amount.
      const inFlightAfterBy = new Map<string, number>();
      const inFlightAfter = items.map(({ ticket }) => {
        if (ticket.kind !== 'lease') return 0;
        const lease = leases.get(ticket.key);
        if (!lease) return 0;
        const after = Math.max(0, (inFlightAfterBy.get(ticket.key) ?? lease.inFlightUsd) - ticket.amountUsd);
        inFlightAfterBy.set(ticket.key, after);
        return after;
      });
      // Memory follows only a committed settlement: a failed one leaves the draws to `cancel`.
      const settlements = settleTransaction.immediate(items, inFlightAfter, caps);
      writes++;
      for (const { ticket, call } of items) {
        if (ticket.kind !== 'lease') continue;
        const lease = leases.get(ticket.key);
        if (!lease) continue;
        const after = Math.max(0, lease.inFlightUsd - ticket.amountUsd);
        lease.inFlightUsd = after;
        if (!lease.tight) lease.consumedUsd += call.costUsd;
        else if (after > 0) lease.amountUsd = after;
        else {
          forget(lease);
          leases.delete(ticket.key);
        }
      }
      return settlements;
    },

    cancel(ticket) {
      if (ticket.kind !== 'lease') return;
      const lease = leases.get(ticket.key);
      if (lease) lease.inFlightUsd = Math.max(0, lease.inFlightUsd - ticket.amountUsd);
    },

    release() {
      if (leases.size === 0) return;
      const drop = db.transaction(() => {
        for (const lease of leases.values()) {
          statements.remove.run(...own(lease));
          forget(lease);
        }
        leases.clear();
      });
      try {
        drop.immediate();
      } finally {
        noteOwnWrite(db);
      }
      writes++;
    },
  };
  return self;
}
