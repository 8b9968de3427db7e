/**
 * `withBusyTimeout` switches the connection's busy timeout for one write and puts the previous
 * value back, also when the write throws; the statements it uses are prepared once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { withBusyTimeout } from '../../memory/busy-retry.ts';

test('the busy timeout is the given one inside the work and the previous one after, also after a throw', () => {
  const db = new Database(':memory:');
  db.pragma('busy_timeout = 250');
  const inside = withBusyTimeout(db, 25, () => db.pragma('busy_timeout', { simple: true }));
  assert.equal(inside, 25);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 250);
  assert.throws(() => withBusyTimeout(db, 7, () => {
    assert.equal(db.pragma('busy_timeout', { simple: true }), 7);
    throw new Error('write failed');
  }), /write failed/);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 250);
  db.pragma('busy_timeout = 1000');
  withBusyTimeout(db, 25, () => undefined);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 1000, 'the previous value is read each time, not remembered');
  db.close();
});
