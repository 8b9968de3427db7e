import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { silentLogger } from '../../agent/logger.ts';
import type { ModelRouter } from '../../contracts/router.ts';
import { createMarketSkill, marketRequestFromOptions } from '../../skills/market/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import type { Store } from '../../memory/store.ts';
import { aFolder, aMarketRouter, aSeries, aStore, toCsv, writeCsv } from './builders.ts';

function aContext(router: ModelRouter, db: Store, options: Record<string, unknown>): SkillContext {
  return {
    job: 'market-daily',
    skill: 'market',
    runId: 9,
    idempotencyKey: 'market-daily:2025-03-15T06:00:00Z',
    slot: new Date('2025-03-15T06:00:00Z'),
    options,
    db,
    dataDir: tmpdir(),
    logger: silentLogger(),
    timezone: 'UTC',
    router,
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => new Date('2025-03-15T06:00:00Z'),
  };
}

test('the skill merges job options over settings, caches prices and returns the report as details', async () => {
  const folder = aFolder();
  writeCsv(folder, 'AAA.csv', toCsv(aSeries(40, (index) => 100 + index)));
  const skill = createMarketSkill({ settings: { source: { type: 'csv-file', path: `${folder}/{symbol}.csv` }, watchlist: ['ZZZ'] } });
  assert.equal(skill.name, 'market');
  const db = aStore();
  const router = aMarketRouter({ summarise: 'AAA closed at 139.00.\nSecond line.', analysis: 'Steady.' });
  const result = await skill.run(aContext(router, db, { watchlist: ['AAA'], analysisJob: 'market-deep' }), new AbortController().signal);
  assert.equal(result.summary, 'AAA closed at 139.00.');
  assert.match(String(result.details?.report), /Figures \(computed in code/);
  assert.deepEqual(router.calls.map((call) => call.origin), [
    { job: 'market-daily', runId: 9, skill: 'market' },
    { job: 'market-deep', runId: 9, skill: 'market' },
  ]);
  const cached = db.prepare('SELECT COUNT(*) AS count, MAX(fetched_at) AS fetched FROM market_prices WHERE symbol = ?').get('AAA');
  assert.deepEqual(cached, { count: 40, fetched: '2025-03-15T06:00:00.000Z' });
});

test('bad options name the key path', () => {
  assert.throws(() => marketRequestFromOptions({ watchlist: [] }, {}, 'm'), /jobs\.m\.options \/ skills\.market\): watchlist: /);
  assert.throws(
    () => marketRequestFromOptions({ watchlist: ['A'], source: { type: 'http', url: 'ftp://x' } }, {}, 'm'),
    /source\.url: an http\(s\) URL template/,
  );
  const request = marketRequestFromOptions({ watchlist: ['A'], source: { type: 'http', url: 'https://stooq.com/q/d/l/?s={symbol}&i=d', timeout: '20s' } }, {}, 'm');
  assert.deepEqual(request.source, { type: 'http', url: 'https://stooq.com/q/d/l/?s={symbol}&i=d', format: 'csv', timeoutMs: 20_000, maxBytes: 5_000_000 });
});
