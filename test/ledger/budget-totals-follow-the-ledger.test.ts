/**
 * Budget checks read running totals (budget_totals) instead of summing the month. These
 * totals must always equal what summing would give: for every period (day, month) and scope
 * (total, tier, job), settled spend equals the ledger's cost and reserved equals the live
 * reservations, through inserts, reservations, releases, settlements and stale clearing,
 * and after migration 013 backfills a database that already holds a ledger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, openStore, type Store } from '../../memory/store.ts';
import { recordCall, type CallRecord } from '../../memory/ledger.ts';
import { clearStaleReservations, releaseReservation, reserveBudget, settleReservation, type BudgetCaps } from '../../memory/budget.ts';

const caps: BudgetCaps = { daily: { total: 1_000, tiers: {}, jobs: {} }, monthly: { tiers: {}, jobs: {} } };

function aCall(startedAt: string, tier: string, job: string | undefined, costUsd: number): CallRecord {
  return {
    startedAt: new Date(startedAt),
    tier,
    provider: 'p',
    model: 'm',
    usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    costUsd,
    flagshipCostUsd: costUsd,
    latencyMs: 1,
    outcome: 'ok',
    simulated: false,
    job,
  };
}

/** What the totals should hold, summed from the ledger and the reservations the slow way. */
function summed(db: Store): Map<string, { spent: number; reserved: number }> {
  const expected = new Map<string, { spent: number; reserved: number }>();
  const add = (key: string, field: 'spent' | 'reserved', amount: number) => {
    const entry = expected.get(key) ?? { spent: 0, reserved: 0 };
    entry[field] += amount;
    expected.set(key, entry);
  };
  const count = (field: 'spent' | 'reserved', rows: Array<{ day: string; month: string; tier: string; job: string | null; amount: number }>) => {
    for (const row of rows) {
      for (const period of [row.day, row.month]) {
        add(`${period}|total|`, field, row.amount);
        add(`${period}|tier|${row.tier}`, field, row.amount);
        if (row.job) add(`${period}|job|${row.job}`, field, row.amount);
      }
    }
  };
  count('spent', db.prepare('SELECT day, month, tier, job, cost_usd AS amount FROM calls WHERE cost_usd <> 0').all() as never);
  count('reserved', db.prepare('SELECT day, month, tier, job, amount_usd AS amount FROM budget_reservations').all() as never);
  return expected;
}

function assertTotalsMatch(db: Store): void {
  const expected = summed(db);
  const rows = db.prepare('SELECT period, scope, name, spent_usd AS spent, reserved_usd AS reserved FROM budget_totals').all() as Array<{ period: string; scope: string; name: string; spent: number; reserved: number }>;
  const actual = new Map(rows.filter((row) => row.spent !== 0 || row.reserved !== 0).map((row) => [`${row.period}|${row.scope}|${row.name}`, row]));
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].filter((key) => expected.get(key)!.spent !== 0 || expected.get(key)!.reserved !== 0).sort());
  for (const [key, want] of expected) {
    const got = actual.get(key) ?? { spent: 0, reserved: 0 };
    assert.ok(Math.abs(got.spent - want.spent) < 1e-9, `${key} spent ${got.spent} vs ${want.spent}`);
    assert.ok(Math.abs(got.reserved - want.reserved) < 1e-9, `${key} reserved ${got.reserved} vs ${want.reserved}`);
  }
}

test('every ledger row and reservation moves the totals of its day, month, tier and job, and nothing else', () => {
  const db = openStore(':memory:');
  recordCall(db, aCall('2026-11-30T23:59:59Z', 'execution', 'digest', 0.5));
  recordCall(db, aCall('2026-12-01T00:00:00Z', 'execution', 'digest', 0.25));
  recordCall(db, aCall('2026-12-01T08:00:00Z', 'reasoning', undefined, 2));
  recordCall(db, aCall('2026-12-01T09:00:00Z', 'execution', 'mail', 0));
  const held = reserveBudget(db, { day: '2026-12-01', month: '2026-12', tier: 'reasoning', job: 'mail', model: 'm', amountUsd: 0.75, createdAt: new Date('2026-12-01T10:00:00Z') }, caps);
  assertTotalsMatch(db);
  const day = db.prepare("SELECT spent_usd AS spent, reserved_usd AS reserved FROM budget_totals WHERE period = '2026-12-01' AND scope = 'total'").get();
  assert.deepEqual(day, { spent: 2.25, reserved: 0.75 });
  assert.ok(held.ok);
  settleReservation(db, held.reservationId, aCall('2026-12-01T10:00:01Z', 'reasoning', 'mail', 0.6), caps);
  assertTotalsMatch(db);
  assert.deepEqual(db.prepare("SELECT spent_usd AS spent, reserved_usd AS reserved, reservations FROM budget_totals WHERE period = '2026-12' AND scope = 'job' AND name = 'mail'").get(), {
    spent: 0.6,
    reserved: 0,
    reservations: 0,
  });
  db.close();
});

test('released and cleared reservations return to zero exactly, without float dust', () => {
  const db = openStore(':memory:');
  const request = (amountUsd: number, pid?: number) => ({ day: '2026-12-01', month: '2026-12', tier: 'execution', job: 'digest', model: 'm', amountUsd, createdAt: new Date('2026-12-01T10:00:00Z'), pid });
  const ids: number[] = [];
  for (const amount of [0.1, 0.2, 0.3, 0.7]) {
    const result = reserveBudget(db, request(amount), caps);
    if (result.ok) ids.push(result.reservationId);
  }
  reserveBudget(db, request(0.4, 2 ** 22 + 3), caps);
  for (const id of ids) releaseReservation(db, id);
  clearStaleReservations(db, { now: new Date('2026-12-01T10:00:00Z') });
  const reserved = db.prepare('SELECT reserved_usd FROM budget_totals').pluck().all() as number[];
  assert.ok(reserved.length > 0);
  assert.ok(reserved.every((amount) => amount === 0), `reserved ${reserved.join(', ')}`);
  db.close();
});

test('migration 013 backfills the totals of a database that already holds a month', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-totals-')), 'switchboard.db');
  const before = openStore(path, { migrations: listMigrations().filter((migration) => migration.version < 13) });
  const tiers = ['orchestration', 'execution', 'reasoning'];
  // The ledger as an older release wrote it (no usage_estimated column yet).
  const insert = before.prepare(
    `INSERT INTO calls (started_at, day, month, job, tier, provider, model, cost_usd, outcome) VALUES (?, ?, '2026-11', ?, ?, 'p', 'm', ?, 'ok')`,
  );
  for (let index = 0; index < 600; index++) {
    const day = `2026-11-${String(1 + (index % 30)).padStart(2, '0')}`;
    insert.run(`${day}T12:00:00Z`, day, index % 4 === 0 ? null : `job-${index % 5}`, tiers[index % 3]!, (index % 7) * 0.001);
  }
  before
    .prepare(`INSERT INTO budget_reservations (created_at, day, month, tier, job, model, amount_usd, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run('2026-11-30T12:00:00Z', '2026-11-30', '2026-11', 'execution', 'job-1', 'm', 0.05, process.pid);
  before.close();

  const db = openStore(path);
  assertTotalsMatch(db);
  // The next reservation sees the backfilled month.
  const monthCap: BudgetCaps = { daily: { tiers: {}, jobs: {} }, monthly: { total: 0, tiers: {}, jobs: {} } };
  const refused = reserveBudget(db, { day: '2026-11-30', month: '2026-11', tier: 'execution', model: 'm', amountUsd: 0.001, createdAt: new Date('2026-11-30T13:00:00Z') }, monthCap);
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    const spent = db.prepare("SELECT SUM(cost_usd) FROM calls WHERE month = '2026-11'").pluck().get() as number;
    assert.ok(Math.abs(refused.blocked.spentUsd - spent) < 1e-9);
    assert.ok(Math.abs(refused.blocked.reservedUsd - 0.05) < 1e-12);
  }
  db.close();
});
