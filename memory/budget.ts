/**
 * Budget caps that hold across processes. Before a call, its worst-case cost is reserved in
 * one `BEGIN IMMEDIATE` transaction that reads the running totals (settled spend and live
 * reservations, `budget_totals`, kept by trigger) of every scope the call counts against;
 * after it, the reservation is swapped for the ledger row in one transaction, and a real cost
 * above the reservation that takes a scope past its cap is recorded as an overrun. Days and months are the ledger's
 * (the owner's time zone: memory/ledger-days.ts).
 * Simulated calls count like real ones, so a cap behaves the same under the simulator.
 */
import { noteOwnWrite } from './read-cache.ts';
import type { Statement } from 'better-sqlite3';
import { ledgerPeriod, recordCall, type CallRecord } from './ledger.ts';
import { ledgerTimeZone } from './ledger-days.ts';
import type { Store } from './store.ts';

/** Caps of one period, USD. Absent means no cap. */
export interface CapSet {
  total?: number;
  tiers: Partial<Record<string, number>>;
  jobs: Record<string, number>;
}

export interface BudgetCaps {
  daily: CapSet;
  monthly: CapSet;
}

export type BudgetScope = 'total' | 'tier' | 'job';
export type BudgetPeriod = 'daily' | 'monthly';

export interface ReservationRequest {
  /** YYYY-MM-DD and YYYY-MM of the call in the ledger's zone (`ledgerPeriod(now, ledgerTimeZone(db))`). */
  day: string;
  month: string;
  tier: string;
  /** Job name; absent for ad-hoc calls (only total and tier caps apply). */
  job?: string;
  model: string;
  /** Worst-case cost of the call. */
  amountUsd: number;
  createdAt: Date;
  /** Defaults to this process. */
  pid?: number;
}

/** The cap that refused a reservation, with the figures that made it refuse. */
export interface BlockingCap {
  scope: BudgetScope;
  /** The tier or job name for those scopes. */
  name?: string;
  period: BudgetPeriod;
  capUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
}

/**
 * `reservationId` 0 means no cap applies to the call, so nothing was reserved; settling it
 * just writes the ledger row.
 */
export type ReserveResult = { ok: true; reservationId: number } | { ok: false; blocked: BlockingCap };

// Float sums of prices are inexact in the last bits; a cap is met, not exceeded, within this.
export const EPSILON_USD = 1e-9;

export interface ApplicableCap {
  scope: BudgetScope;
  name?: string;
  period: BudgetPeriod;
  capUsd: number;
}

/** The caps a call of `tier` for `job` counts against, daily then monthly; empty when none. */
export function applicableCaps(caps: BudgetCaps, tier: string, job: string | undefined): ApplicableCap[] {
  const result: ApplicableCap[] = [];
  for (const period of ['daily', 'monthly'] as const) {
    const set = caps[period];
    if (set.total !== undefined) result.push({ scope: 'total', period, capUsd: set.total });
    const tierCap = set.tiers[tier];
    if (tierCap !== undefined) result.push({ scope: 'tier', name: tier, period, capUsd: tierCap });
    const jobCap = job === undefined ? undefined : set.jobs[job];
    if (jobCap !== undefined) result.push({ scope: 'job', name: job, period, capUsd: jobCap });
  }
  return result;
}

/** The statements one connection uses for budgets, prepared once and kept with the connection. */
function statementsFor(db: Store) {
  let prepared = preparedStatements.get(db);
  if (!prepared) {
    prepared = {
      total: db.prepare<[string, BudgetScope, string]>('SELECT spent_usd AS spentUsd, reserved_usd AS reservedUsd FROM budget_totals WHERE period = ? AND scope = ? AND name = ?'),
      insertReservation: db.prepare<[string, string, string, string, string, string, number, number]>(
        `INSERT INTO budget_reservations (created_at, day, month, tier, job, model, amount_usd, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteReservation: db.prepare<[number]>('DELETE FROM budget_reservations WHERE id = ? RETURNING amount_usd AS amountUsd'),
      insertOverrun: db.prepare<[string, string, string, string | null, string, string, number]>(
        `INSERT INTO budget_events (at, day, month, job, kind, from_tier, cap, over_usd) VALUES (?, ?, ?, ?, 'overrun', ?, ?, ?)`,
      ),
    };
    preparedStatements.set(db, prepared);
  }
  return prepared;
}

const preparedStatements = new WeakMap<Store, {
  total: Statement<[string, BudgetScope, string]>;
  insertReservation: Statement<[string, string, string, string, string, string, number, number]>;
  deleteReservation: Statement<[number]>;
  insertOverrun: Statement<[string, string, string, string | null, string, string, number]>;
}>();

/** Settled spend and live reservations of one cap's scope and period; zeros when nothing was ever counted there. */
export function totalsOf(db: Store, cap: ApplicableCap, day: string, month: string): { spentUsd: number; reservedUsd: number } {
  const row = statementsFor(db).total.get(cap.period === 'daily' ? day : month, cap.scope, cap.name ?? '') as { spentUsd: number; reservedUsd: number } | undefined;
  return row ?? { spentUsd: 0, reservedUsd: 0 };
}

/**
 * Reserves `request.amountUsd` if no applicable cap (global, tier, job; daily and monthly)
 * would be exceeded by settled spend + live reservations + this amount; otherwise reserves
 * nothing and returns the first cap that blocks. Atomic across processes sharing the file.
 * Reads one running-total row per applicable cap (budget_totals): the cost does not grow
 * with the history.
 */
export function reserveBudget(db: Store, request: ReservationRequest, caps: BudgetCaps): ReserveResult {
  const applicable = applicableCaps(caps, request.tier, request.job);
  if (applicable.length === 0) return { ok: true, reservationId: 0 };
  const statements = statementsFor(db);
  const reserve = db.transaction((): ReserveResult => {
    for (const cap of applicable) {
      const { spentUsd, reservedUsd } = totalsOf(db, cap, request.day, request.month);
      if (spentUsd + reservedUsd + request.amountUsd > cap.capUsd + EPSILON_USD) {
        return { ok: false, blocked: { ...cap, spentUsd, reservedUsd, requestedUsd: request.amountUsd } };
      }
    }
    const inserted = statements.insertReservation.run(
      request.createdAt.toISOString(),
      request.day,
      request.month,
      request.tier,
      request.job ?? '',
      request.model,
      request.amountUsd,
      request.pid ?? process.pid,
    );
    return { ok: true, reservationId: Number(inserted.lastInsertRowid) };
  });
  return reserve.immediate();
}

/** A cap that a call's real cost took past its limit, because it cost more than was reserved. */
export interface BudgetOverrun {
  scope: BudgetScope;
  name?: string;
  period: BudgetPeriod;
  capUsd: number;
  /** Settled spend of the scope after the call. */
  spentUsd: number;
  /** spentUsd - capUsd: never more than the call's cost minus its reservation. */
  overUsd: number;
  callCostUsd: number;
  reservedUsd: number;
}

export interface Settlement {
  callId: number;
  /** Caps this call took past their limit; empty almost always. Each is also a budget event. */
  overruns: BudgetOverrun[];
}

/** A cap overrun in words, for the budget event, the log and the bill. */
export function describeOverrun(overrun: BudgetOverrun): string {
  const scope = overrun.scope === 'total' ? 'total' : `${overrun.scope} ${overrun.name}`;
  return (
    `${overrun.period} ${scope} cap $${overrun.capUsd.toFixed(4)} exceeded by $${overrun.overUsd.toFixed(4)}: ` +
    `a call cost $${overrun.callCostUsd.toFixed(4)} against $${overrun.reservedUsd.toFixed(4)} reserved`
  );
}

/**
 * Deletes the reservation and writes the call's ledger row in one transaction (the running
 * totals follow by trigger, so the real cost counts against every cap before the next
 * reservation). When `caps` are given and the real cost took a cap past its limit, records
 * an `overrun` budget event in the same transaction and returns it. A reservation id of 0
 * (nothing reserved) just writes the row.
 */
export function settleReservation(db: Store, reservationId: number, call: CallRecord, caps?: BudgetCaps, timeZone?: string): Settlement {
  const statements = statementsFor(db);
  const settle = db.transaction((): Settlement => {
    const released = reservationId > 0 ? (statements.deleteReservation.get(reservationId) as { amountUsd: number } | undefined) : undefined;
    const zone = timeZone ?? ledgerTimeZone(db);
    const callId = recordCall(db, call, zone);
    const overruns: BudgetOverrun[] = [];
    if (!caps || call.costUsd <= (released?.amountUsd ?? 0)) return { callId, overruns };
    const { day, month } = ledgerPeriod(call.startedAt, zone);
    for (const cap of applicableCaps(caps, call.tier, call.job)) {
      const { spentUsd } = totalsOf(db, cap, day, month);
      // Only the call that crossed the line reports it; a scope already over stays blocked anyway.
      if (spentUsd <= cap.capUsd + EPSILON_USD || spentUsd - call.costUsd > cap.capUsd + EPSILON_USD) continue;
      const overrun: BudgetOverrun = { ...cap, spentUsd, overUsd: spentUsd - cap.capUsd, callCostUsd: call.costUsd, reservedUsd: released?.amountUsd ?? 0 };
      overruns.push(overrun);
      statements.insertOverrun.run(call.startedAt.toISOString(), day, month, call.job ?? null, call.tier, describeOverrun(overrun), overrun.overUsd);
    }
    return { callId, overruns };
  });
  return settle.immediate();
}

/** Drops a reservation whose call was never made (or whose settlement failed). */
export function releaseReservation(db: Store, reservationId: number): void {
  if (reservationId > 0) statementsFor(db).deleteReservation.get(reservationId);
}

/** Whether a process id is alive on this host (EPERM means alive but not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Clears reservations held by processes that are no longer alive, and any older than
 * `maxAgeMs` (a reused pid must not pin money forever). Returns how many were cleared.
 */
export function clearStaleReservations(
  db: Store,
  options: { now?: Date; maxAgeMs?: number; isAlive?: (pid: number) => boolean } = {},
): number {
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.maxAgeMs ?? 3_600_000)).toISOString();
  const clear = db.transaction(() => {
    let cleared = db.prepare('DELETE FROM budget_reservations WHERE created_at < ?').run(cutoff).changes;
    const pids = db.prepare('SELECT DISTINCT pid FROM budget_reservations').pluck().all() as number[];
    for (const pid of pids) {
      if (!isAlive(pid)) cleared += db.prepare('DELETE FROM budget_reservations WHERE pid = ?').run(pid).changes;
    }
    return cleared;
  });
  const cleared = clear.immediate();
  // A budget lease this process remembers as present (memory/budget-lease.ts) may be gone.
  if (cleared > 0) noteOwnWrite(db);
  return cleared;
}

/** Live reservations, for `switchboard status`. */
export function listReservations(
  db: Store,
): Array<{ id: number; createdAt: string; tier: string; job: string; model: string; amountUsd: number; pid: number }> {
  return db
    .prepare(
      `SELECT id, created_at AS createdAt, tier, job, model, amount_usd AS amountUsd, pid
       FROM budget_reservations ORDER BY id`,
    )
    .all() as Array<{ id: number; createdAt: string; tier: string; job: string; model: string; amountUsd: number; pid: number }>;
}
