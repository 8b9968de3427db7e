/**
 * The per-call read cache (breakers, dead models, the ledger's zone) never serves a value that
 * changed: not after this connection's own writes, not after another connection's commit, not
 * after a write that rolled back.
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
import { cachedRead } from '../../memory/read-cache.ts';

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
