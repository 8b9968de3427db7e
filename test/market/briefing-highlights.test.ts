import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { silentLogger } from '../../agent/logger.ts';
import { claimRun, finishRun } from '../../memory/runs.ts';
import { latestSkillSnapshot } from '../../skills/briefing/ledger-sources.ts';
import { computeSymbolFigures } from '../../skills/market/figures.ts';
import { createMarketSkill, marketHighlights, type MarketReport } from '../../skills/market/index.ts';
import type { SkillContext } from '../../skills/types.ts';
import { aFolder, aMarketRouter, aSeries, aStore, toCsv, writeCsv } from './builders.ts';

const NOW = new Date('2025-03-15T06:00:00Z');

function aReport(overrides: Partial<MarketReport>): MarketReport {
  const skipped = { status: 'skipped' as const, costUsd: 0, flagged: [] };
  return { generatedAt: NOW.toISOString(), figures: [], figuresText: '', dataNotes: [], snapshot: skipped, analysis: skipped, costUsd: 0, text: '', ...overrides };
}

test('highlights: the biggest daily move first, with close and week, cached and missing symbols named, five at most', () => {
  const rising = computeSymbolFigures('AAA', aSeries(40, (index) => 100 + index)); // 138 → 139
  const falling = computeSymbolFigures('BBB', aSeries(40, (index) => 200 - 2 * index)); // 124 → 122
  const flat = computeSymbolFigures('CCC', aSeries(40, () => 50));
  const report = aReport({
    figures: [rising, flat, falling],
    dataNotes: [
      { symbol: 'AAA', source: 'fresh' },
      { symbol: 'BBB', source: 'cache', ageHours: 30 },
      { symbol: 'CCC', source: 'fresh' },
      { symbol: 'DDD', source: 'none', message: 'no cached data' },
    ],
  });

  assert.deepEqual(marketHighlights(report), [
    'BBB 122.00 -1.61% on the day, -7.58% on the week (cached, 30 hours old)',
    'AAA 139.00 +0.72% on the day, +3.73% on the week',
    'CCC 50.00 0.00% on the day, 0.00% on the week',
    'DDD: no price data',
  ]);
  const many = aReport({ figures: ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((symbol) => computeSymbolFigures(symbol, aSeries(3, () => 10))) });
  assert.equal(marketHighlights(many).length, 5);
  assert.deepEqual(marketHighlights(aReport({})), []);
});

test('a market run returns highlights in its details, and the briefing reads them back from job_runs', async () => {
  const folder = aFolder();
  writeCsv(folder, 'AAA.csv', toCsv(aSeries(40, (index) => 100 + index)));
  writeCsv(folder, 'BBB.csv', toCsv(aSeries(40, (index) => 200 - 2 * index)));
  const db = aStore();
  const skill = createMarketSkill({ settings: { source: { type: 'csv-file', path: `${folder}/{symbol}.csv` } } });
  const context: SkillContext = {
    job: 'market-close',
    skill: 'market',
    runId: 1,
    idempotencyKey: 'market-close:1',
    slot: NOW,
    options: { watchlist: ['AAA', 'BBB'], deepAnalysis: false },
    db,
    dataDir: tmpdir(),
    logger: silentLogger(),
    timezone: 'UTC',
    router: aMarketRouter({ summarise: 'AAA closed at 139.00; BBB fell.' }),
    orchestrate: async () => {
      throw new Error('not used');
    },
    now: () => NOW,
  };

  const result = await skill.run(context, new AbortController().signal);

  const highlights = result.details?.highlights;
  assert.deepEqual(highlights, ['BBB 122.00 -1.61% on the day, -7.58% on the week', 'AAA 139.00 +0.72% on the day, +3.73% on the week']);
  const claimed = claimRun(db, { job: 'market-close', skill: 'market', slot: NOW.toISOString(), idempotencyKey: 'market-close:1', trigger: 'schedule', status: 'running', now: NOW });
  assert.ok(claimed.claimed);
  finishRun(db, claimed.run.id, { status: 'succeeded', at: NOW, result });
  assert.deepEqual(latestSkillSnapshot(db, 'market', new Date('2025-03-14T00:00:00Z')), {
    job: 'market-close',
    ranAt: NOW.toISOString(),
    summary: 'AAA closed at 139.00; BBB fell.',
    highlights,
  });
  db.close();
});
