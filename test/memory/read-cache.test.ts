/**
 * The per-call read cache (breakers, dead models, the ledger's zone, budget lease rows) never
 * serves a value that changed: not after this process's own writes (on any connection), not
 * after a write that rolled back, and not after another connection's commit once the turn of
 * the event loop in which the stamp was read has ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../memory/store.ts';
import { readBreaker, updateBreaker } from '../../memory/breakers.ts';
import { clearDeadModel, listDeadModels, markModelDead } from '../../memory/dead-models.ts';
import { ledgerTimeZone, useLedgerTimeZone } from '../../memory/ledger-days.ts';
import { cachedKeys, cachedRead } from '../../memory/read-cache.ts';
import { createBudgetLeases, LEASE_MODEL } from '../../memory/budget-lease.ts';
import type { BudgetCaps } from '../../memory/budget.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';

const closedAt = (model: string, failures: number) => ({
  model,
  state: 'closed' as const,
  consecutiveFailures: failures,
  openedAt: null,
  probeStartedAt: null,
  lastErrorKind: 'server',
  updatedAt: '2026-12-02T00:00:00.000Z',
});
const dead = (model: string) => ({ model, provider: 'p', apiModel: model, fingerprint: 'f', status: 404, message: 'gone', detectedAt: '2026-12-02T00:00:00.000Z', callId: null });

test('own writes, another connection\'s commits and rolled-back writes are all seen at the next read', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-read-cache-')), 'switchboard.db');
  const db = openStore(path);
  const other = openStore(path);

  assert.equal(readBreaker(db, 'm'), undefined);
  updateBreaker(db, 'm', () => closedAt('m', 1));
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 1, 'own write');
  updateBreaker(other, 'm', () => closedAt('m', 2));
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 2, 'another connection');
  assert.throws(() =>
    updateBreaker(db, 'm', () => {
      throw new Error('changed my mind');
    }),
  );
  assert.throws(() =>
    db.transaction(() => {
      updateBreaker(db, 'm', () => closedAt('m', 9));
      assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 9, 'inside the transaction its own write is seen');
      throw new Error('roll back');
    })(),
  );
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 2, 'the rolled-back write is gone');
  assert.throws(() => ((readBreaker(db, 'm') as { consecutiveFailures: number }).consecutiveFailures = 5), TypeError, 'cached rows are frozen');

  assert.deepEqual(listDeadModels(db), []);
  markModelDead(other, dead('o3'));
  assert.deepEqual(listDeadModels(db).map((row) => row.model), ['o3']);
  clearDeadModel(db, 'o3');
  assert.deepEqual(listDeadModels(db), []);

  assert.equal(ledgerTimeZone(db), 'UTC');
  useLedgerTimeZone(other, 'Europe/Berlin');
  assert.equal(ledgerTimeZone(db), 'Europe/Berlin');
  useLedgerTimeZone(db, 'America/New_York');
  assert.equal(ledgerTimeZone(db), 'America/New_York');
  other.close();
  db.close();
});

test('an unchanged database answers from memory: the read runs once', () => {
  const db = openStore(':memory:');
  let reads = 0;
  for (let index = 0; index < 5; index++) cachedRead(db, 'k', () => ++reads);
  assert.equal(reads, 1);
  db.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('unrelated', 'x', 'now')").run();
  cachedRead(db, 'k', () => ++reads);
  assert.equal(reads, 1, 'a write on the same connection that is not a cached table\'s is not seen by data_version (own writers call noteOwnWrite)');
  db.close();
});

test('a commit by a writer that is not this process\'s (raw SQL on another connection) is seen from the next turn of the event loop', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-read-cache-')), 'switchboard.db');
  const db = openStore(path);
  const other = openStore(path);
  assert.equal(readBreaker(db, 'm'), undefined);
  other
    .prepare("INSERT INTO breakers (model, state, consecutive_failures, last_error_kind, updated_at) VALUES ('m', 'closed', 3, 'server', '2026-12-02T00:00:00.000Z')")
    .run();
  // Within the turn the first read stamped, the connection reads as one snapshot.
  assert.equal(readBreaker(db, 'm'), undefined, 'same turn: the stamp read at its start still holds');
  await nextTurn();
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 3, 'next turn: the other writer\'s commit is seen');

  other.prepare("UPDATE breakers SET consecutive_failures = 4 WHERE model = 'm'").run();
  await nextTurn();
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 4);
  other.close();
  db.close();
});

test('a lease row deleted behind the router\'s back (another connection) is granted again before the next call, from the next turn on', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-read-cache-')), 'switchboard.db');
  const db = openStore(path);
  const other = openStore(path);
  const caps: BudgetCaps = { daily: { total: 100, tiers: {}, jobs: {} }, monthly: { total: 1_000, tiers: {}, jobs: {} } };
  const at = new Date();
  const request = { day: at.toISOString().slice(0, 10), month: at.toISOString().slice(0, 7), tier: 'execution', job: 'j', model: 'm', amountUsd: 0.1, createdAt: at };
  const leases = createBudgetLeases(db);
  const granted = leases.reserve(request, caps);
  assert.ok(granted.ok && granted.wrote, 'the first call grants the lease');
  if (granted.ok) leases.cancel(granted.ticket);
  await nextTurn();
  const drawn = leases.admitWithoutWrite(request, caps);
  assert.ok(drawn?.ok && !drawn.wrote, 'the lease admits the next call from memory');
  if (drawn?.ok) leases.cancel(drawn.ticket);

  assert.equal(other.prepare('DELETE FROM budget_reservations WHERE model = ?').run(LEASE_MODEL).changes, 1);
  await nextTurn();
  assert.equal(leases.admitWithoutWrite(request, caps), undefined, 'its row is gone: no call is admitted on it');
  const again = leases.reserve(request, caps);
  assert.ok(again.ok && again.wrote, 'granted again (a write)');
  assert.equal(other.prepare('SELECT COUNT(*) FROM budget_reservations WHERE model = ?').pluck().get(LEASE_MODEL), 1);
  other.close();
  db.close();
});

test('a month of daily leases leaves one cached row check, not one a day', async () => {
  const db = openStore(':memory:');
  const caps: BudgetCaps = { daily: { total: 100, tiers: {}, jobs: {} }, monthly: { total: 10_000, tiers: {}, jobs: {} } };
  const leases = createBudgetLeases(db);
  const start = Date.now();
  for (let day = 0; day < 30; day++) {
    const at = new Date(start + day * 86_400_000);
    const request = { day: at.toISOString().slice(0, 10), month: at.toISOString().slice(0, 7), tier: 'execution', job: 'j', model: 'm', amountUsd: 0.1, createdAt: at };
    for (let call = 0; call < 3; call++) {
      const admitted = leases.reserve(request, caps);
      assert.ok(admitted.ok);
      leases.cancel(admitted.ticket);
      await nextTurn();
    }
  }
  const leaseKeys = cachedKeys(db).filter((key) => key.startsWith('lease'));
  assert.ok(leaseKeys.length <= 1, `cached lease checks: ${leaseKeys.length}`);
  db.close();
});
