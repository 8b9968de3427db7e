import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCalls } from '../../memory/ledger.ts';
import { ChainError } from '../../agent/router/router.ts';
import { aConfig, aRequest, aRouter } from './builders.ts';

test('retry-after within maxWait, next model dearer: wait, then the same model again', async () => {
  // orchestration: a-small ($1/$2) then b-small ($1/$4): falling back would cost more.
  const { router, db, log, waits } = aRouter({
    tier: 'orchestration',
    scripts: { 'a-small': [{ fail: 'rate_limited', status: 429, retryAfterMs: 200 }] },
  });
  const response = await router.complete({ task: {}, request: aRequest() });

  assert.deepEqual(waits, [200]);
  assert.deepEqual(log.map((call) => call.model), ['a-small', 'a-small']);
  assert.equal(response.modelId, 'a-small');
  const [limited, retried] = listCalls(db);
  assert.equal(limited.errorKind, 'rate_limited');
  assert.equal(retried.outcome, 'ok');
  assert.equal(retried.fallbackFrom, limited.id);
  assert.match(retried.reason ?? '', /retry of a-small after rate_limited, waited 200 ms/);
});

test('retry-after within maxWait, next model cheaper: fall back at once', async () => {
  const config = aConfig({
    tiers: { orchestration: ['a-small'], execution: ['b-mid', 'a-mid'], reasoning: ['a-big'], 'large-context': ['a-long'] },
  });
  const { router, log, waits } = aRouter({ config, scripts: { 'b-mid': [{ fail: 'rate_limited', status: 429, retryAfterMs: 200 }] } });
  const response = await router.complete({ task: {}, request: aRequest() });

  assert.deepEqual(waits, []);
  assert.deepEqual(log.map((call) => call.model), ['b-mid', 'a-mid']);
  assert.equal(response.modelId, 'a-mid');
});

test('retry-after beyond maxWait: fall back rather than wait, even to a dearer model', async () => {
  const { router, log, waits } = aRouter({
    tier: 'orchestration',
    scripts: { 'a-small': [{ fail: 'rate_limited', status: 429, retryAfterMs: 30_000 }] },
  });
  const response = await router.complete({ task: {}, request: aRequest() });

  assert.deepEqual(waits, []);
  assert.deepEqual(log.map((call) => call.model), ['a-small', 'b-small']);
  assert.equal(response.modelId, 'b-small');
});

test('retry-after on the last model of the chain: wait and retry it', async () => {
  const { router, log, waits } = aRouter({
    tier: 'orchestration',
    scripts: {
      'a-small': [{ fail: 'server', status: 500 }],
      'b-small': [{ fail: 'overloaded', status: 529, retryAfterMs: 300 }],
    },
  });
  const response = await router.complete({ task: {}, request: aRequest() });

  assert.deepEqual(waits, [300]);
  assert.deepEqual(log.map((call) => call.model), ['a-small', 'b-small', 'b-small']);
  assert.equal(response.modelId, 'b-small');
});

test('a one-model chain retries with jittered backoff, then gives up with every attempt listed', async () => {
  const config = aConfig({
    jobs: {
      solo: { schedule: '0 7 * * *', skill: 'briefing', tiers: { execution: ['a-mid'] } },
    },
  });
  const { router, db, log, waits } = aRouter({
    config,
    scripts: { 'a-mid': [{ fail: 'server', status: 500 }, { fail: 'server', status: 502 }, { fail: 'server', status: 503 }] },
  });
  const failure = await router.complete({ task: {}, request: aRequest(), origin: { job: 'solo' } }).catch((error) => error);

  assert.ok(failure instanceof ChainError);
  // Full jitter with random() = 0.5 and baseDelay 10 ms: 0.5 * 10, then 0.5 * 20.
  assert.deepEqual(waits, [5, 10]);
  assert.equal(log.length, 3);
  assert.deepEqual(failure.attempts.map((attempt) => attempt.status), [500, 502, 503]);
  const rows = listCalls(db);
  assert.deepEqual(rows.map((row) => row.fallbackFrom), [null, rows[0].id, rows[1].id]);
});
