import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, sleep } from '../../agent/router/backoff.ts';
import { ProviderError } from '../../contracts/provider-error.ts';

test('full jitter: a uniform draw below base * 2^attempt, capped by maxMs', () => {
  assert.equal(backoffDelay(0, { baseMs: 100, maxMs: 5_000, random: () => 0.5 }), 50);
  assert.equal(backoffDelay(3, { baseMs: 100, maxMs: 5_000, random: () => 0.5 }), 400);
  assert.equal(backoffDelay(10, { baseMs: 100, maxMs: 5_000, random: () => 0.999 }), 4_995);
  assert.equal(backoffDelay(2, { baseMs: 100, maxMs: 5_000, random: () => 0 }), 0);
});

test('retry-after is honoured, up to maxMs', () => {
  assert.equal(backoffDelay(0, { baseMs: 100, maxMs: 5_000, retryAfterMs: 1_200 }), 1_200);
  assert.equal(backoffDelay(0, { baseMs: 100, maxMs: 5_000, retryAfterMs: 61_000 }), 5_000);
});

test('sleep resolves after the wait', async () => {
  await sleep(1);
});

test('sleep rejects with kind aborted when the signal aborts, and at once when already aborted', async () => {
  const controller = new AbortController();
  const pending = sleep(60_000, controller.signal);
  controller.abort();
  await assert.rejects(pending, (error: unknown) => error instanceof ProviderError && error.kind === 'aborted');
  await assert.rejects(sleep(60_000, controller.signal), (error: unknown) => error instanceof ProviderError && error.kind === 'aborted');
});
