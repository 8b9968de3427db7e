/**
 * Budget caps that hold across processes. Before a call, its worst-case cost is reserved in
 * one `BEGIN IMMEDIATE` transaction that sums settled spend (from `call_totals`) and live
 * reservations for every scope the call counts against; after it, the reservation is
 * swapped for the ledger row in one transaction. Days and months are UTC, as in the ledger.
 * Simulated calls count like real ones, so a cap behaves the same under the simulator.
 */
import { recordCall, type CallRecord } from './ledger.ts';
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
  /** YYYY-MM-DD and YYYY-MM (UTC) of the call. */
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
const EPSILON_USD = 1e-9;

interface ApplicableCap {
  scope: BudgetScope;
  name?: string;
  period: BudgetPeriod;
  capUsd: number;
}

function applicableCaps(caps: BudgetCaps, tier: string, job: string | undefined): ApplicableCap[] {
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

interface ScopeSums {
  dayTotal: number;
  dayTier: number;
  dayJob: number;
  monthTotal: number;
  monthTier: number;
  monthJob: number;
}

// One pass over the month's rollup rows (a few hundred) gives every scope at once.
const SCOPE_SUMS = (amount: string, table: string) => `SELECT
  COALESCE(SUM(CASE WHEN day = @day THEN ${amount} END), 0) AS dayTotal,
  COALESCE(SUM(CASE WHEN day = @day AND tier = @tier THEN ${amount} END), 0) AS dayTier,
  COALESCE(SUM(CASE WHEN day = @day AND job = @job THEN ${amount} END), 0) AS dayJob,
  COALESCE(SUM(${amount}), 0) AS monthTotal,
  COALESCE(SUM(CASE WHEN tier = @tier THEN ${amount} END), 0) AS monthTier,
  COALESCE(SUM(CASE WHEN job = @job THEN ${amount} END), 0) AS monthJob
  FROM ${table} WHERE month = @month`;

function pick(sums: ScopeSums, cap: ApplicableCap): number {
  const prefix = cap.period === 'daily' ? 'day' : 'month';
  const suffix = cap.scope === 'total' ? 'Total' : cap.scope === 'tier' ? 'Tier' : 'Job';
  return sums[`${prefix}${suffix}` as keyof ScopeSums];
}

/**
 * Reserves `request.amountUsd` if no applicable cap (global, tier, job; daily and monthly)
 * would be exceeded by settled spend + live reservations + this amount; otherwise reserves
 * nothing and returns the first cap that blocks. Atomic across processes sharing the file.
 */
export function reserveBudget(db: Store, request: ReservationRequest, caps: BudgetCaps): ReserveResult {
  const applicable = applicableCaps(caps, request.tier, request.job);
  if (applicable.length === 0) return { ok: true, reservationId: 0 };
  const parameters = { day: request.day, month: request.month, tier: request.tier, job: request.job ?? '' };
  const reserve = db.transaction((): ReserveResult => {
    const spent = db.prepare(SCOPE_SUMS('cost_usd', 'call_totals')).get(parameters) as ScopeSums;
    const reserved = db.prepare(SCOPE_SUMS('amount_usd', 'budget_reservations')).get(parameters) as ScopeSums;
    for (const cap of applicable) {
      const spentUsd = pick(spent, cap);
      const reservedUsd = pick(reserved, cap);
      if (spentUsd + reservedUsd + request.amountUsd > cap.capUsd + EPSILON_USD) {
        return { ok: false, blocked: { ...cap, spentUsd, reservedUsd, requestedUsd: request.amountUsd } };
      }
    }
    const inserted = db
      .prepare(
        `INSERT INTO budget_reservations (created_at, day, month, tier, job, model, amount_usd, pid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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

/**
 * Deletes the reservation and writes the call's ledger row in one transaction; returns the
 * ledger id. A reservation id of 0 (nothing reserved) just writes the row.
 */
export function settleReservation(db: Store, reservationId: number, call: CallRecord): number {
  const settle = db.transaction(() => {
    if (reservationId > 0) db.prepare('DELETE FROM budget_reservations WHERE id = ?').run(reservationId);
    return recordCall(db, call);
  });
  return settle.immediate();
}

/** Drops a reservation whose call was never made (or whose settlement failed). */
export function releaseReservation(db: Store, reservationId: number): void {
  if (reservationId > 0) db.prepare('DELETE FROM budget_reservations WHERE id = ?').run(reservationId);
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
  return clear.immediate();
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
