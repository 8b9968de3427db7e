import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../memory/store.ts';
import { listBreakers, readBreaker } from '../../memory/breakers.ts';
import { createBreaker } from '../../agent/router/breaker.ts';

const COOLDOWN = 60_000;

function aBreaker(db = openStore(':memory:')) {
  const now = { value: new Date('2025-06-15T12:00:00Z') };
  const breaker = createBreaker(db, { failureThreshold: 3, cooldownMs: COOLDOWN, clock: () => now.value });
  const advance = (ms: number) => {
    now.value = new Date(now.value.getTime() + ms);
  };
  return { breaker, db, advance, now };
}

function openIt(breaker: ReturnType<typeof aBreaker>['breaker']) {
  for (let i = 0; i < 3; i++) breaker.recordFailure('m', 'server', false);
}

test('closed: calls pass and nothing is written while all is well', () => {
  const { breaker, db } = aBreaker();
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: false });
  breaker.recordSuccess('m', false);
  assert.deepEqual(listBreakers(db), []);
});

test('closed → open after failureThreshold consecutive retryable failures', () => {
  const { breaker, db } = aBreaker();
  breaker.recordFailure('m', 'rate_limited', false);
  breaker.recordFailure('m', 'timeout', false);
  assert.equal(readBreaker(db, 'm')?.state, 'closed');
  assert.equal(breaker.admit('m').admitted, true);
  breaker.recordFailure('m', 'server', false);
  const row = readBreaker(db, 'm');
  assert.equal(row?.state, 'open');
  assert.equal(row?.consecutiveFailures, 3);
  assert.equal(row?.lastErrorKind, 'server');
  const admission = breaker.admit('m');
  assert.equal(admission.admitted, false);
  if (!admission.admitted) assert.match(admission.reason, /3 consecutive failures \(last: server\)/);
});

test('a success in between resets the count', () => {
  const { breaker, db } = aBreaker();
  breaker.recordFailure('m', 'server', false);
  breaker.recordFailure('m', 'server', false);
  breaker.recordSuccess('m', false);
  breaker.recordFailure('m', 'server', false);
  assert.equal(readBreaker(db, 'm')?.state, 'closed');
  assert.equal(readBreaker(db, 'm')?.consecutiveFailures, 1);
});

test('non-retryable errors do not count towards opening', () => {
  const { breaker, db } = aBreaker();
  for (let i = 0; i < 5; i++) breaker.recordFailure('m', 'bad_request', false);
  for (let i = 0; i < 5; i++) breaker.recordFailure('m', 'aborted', false);
  assert.equal(readBreaker(db, 'm'), undefined);
});

test('open → half-open after the cooldown: exactly one probe, others still see it open', () => {
  const { breaker, advance, db } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN - 1);
  assert.equal(breaker.admit('m').admitted, false);
  advance(1);
  assert.equal(breaker.isOpen('m'), false);
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: true });
  assert.equal(readBreaker(db, 'm')?.state, 'half_open');
  const second = breaker.admit('m');
  assert.equal(second.admitted, false);
  if (!second.admitted) assert.equal(second.state, 'half_open');
  assert.equal(breaker.isOpen('m'), true);
});

test('half-open → closed when the probe succeeds', () => {
  const { breaker, advance, db } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN);
  breaker.admit('m');
  breaker.recordSuccess('m', true);
  const row = readBreaker(db, 'm');
  assert.equal(row?.state, 'closed');
  assert.equal(row?.consecutiveFailures, 0);
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: false });
});

test('half-open → open again when the probe fails, for a fresh cooldown', () => {
  const { breaker, advance, db } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN);
  breaker.admit('m');
  breaker.recordFailure('m', 'overloaded', true);
  assert.equal(readBreaker(db, 'm')?.state, 'open');
  advance(COOLDOWN - 1);
  assert.equal(breaker.admit('m').admitted, false);
  advance(1);
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: true });
});

test('a probe answered with a non-retryable error closes the breaker: the endpoint is up', () => {
  const { breaker, advance, db } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN);
  breaker.admit('m');
  breaker.recordFailure('m', 'bad_request', true);
  assert.equal(readBreaker(db, 'm')?.state, 'closed');
});

test('an aborted probe frees the probe for the next caller', () => {
  const { breaker, advance } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN);
  breaker.admit('m');
  breaker.recordFailure('m', 'aborted', true);
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: true });
});

test('a probe that never reports back loses its claim after another cooldown', () => {
  const { breaker, advance } = aBreaker();
  openIt(breaker);
  advance(COOLDOWN);
  breaker.admit('m');
  advance(COOLDOWN - 1);
  assert.equal(breaker.admit('m').admitted, false);
  advance(1);
  assert.deepEqual(breaker.admit('m'), { admitted: true, probe: true });
});

test('state persists: a second process on the same file sees the breaker open', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-breaker-')), 'switchboard.db');
  const first = aBreaker(openStore(path));
  openIt(first.breaker);
  first.db.close();
  const second = aBreaker(openStore(path));
  assert.equal(second.breaker.admit('m').admitted, false);
  assert.deepEqual(
    listBreakers(second.db).map((row) => [row.model, row.state, row.consecutiveFailures]),
    [['m', 'open', 3]],
  );
  second.db.close();
});
