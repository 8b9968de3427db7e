import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../../contracts/provider-error.ts';
import { runMarketReport, type MarketRequest } from '../../skills/market/run-market-report.ts';
import { flagUnsourcedNumbers } from '../../skills/market/number-check.ts';
import { aFolder, aMarketRouter, aSeries, aStore, toCsv, writeCsv } from './builders.ts';

/** Two symbols in CSV files the test writes: 260 bars each, so every indicator has data. */
function aWatchlist(): MarketRequest {
  const folder = aFolder();
  writeCsv(folder, 'AAA.csv', toCsv(aSeries(260, (index) => 100 + index * 0.5 + (index % 3))));
  writeCsv(folder, 'BBB.csv', toCsv(aSeries(260, (index) => 50 + Math.sin(index / 5) * 4)));
  return {
    watchlist: [{ symbol: 'AAA', name: 'Alpha' }, { symbol: 'BBB' }],
    source: { type: 'csv-file', path: `${folder}/{symbol}.csv` },
    notes: 'I hold AAA since 2023 at 150 and worry about rates.',
    deepAnalysis: true,
    correlationWindow: 60,
    origin: { job: 'market-daily', runId: 7 },
    analysisOrigin: { job: 'market-deep', runId: 7 },
  };
}

test('snapshot on the summarise kind, analysis on the analysis kind, each given only the figures and the notes', async () => {
  const request = aWatchlist();
  const router = aMarketRouter({ summarise: 'AAA closed at 229.50.', analysis: 'Momentum is strong.' });
  const report = await runMarketReport({ router, db: aStore() }, request);
  assert.deepEqual(router.calls.map((call) => call.task), [{ kind: 'summarise' }, { kind: 'analysis' }]);
  assert.deepEqual(router.calls[0].origin, { job: 'market-daily', runId: 7 });
  assert.deepEqual(router.calls[1].origin, { job: 'market-deep', runId: 7 });
  for (const call of router.calls) {
    const [system, user] = call.request.messages;
    assert.match(system.content, /Do not invent figures/);
    assert.equal(user.content, `Figures (computed in code; percentages are returns unless labelled):\n${report.figuresText}\n\nThe reader's notes:\n${request.notes}`);
  }
  assert.equal(report.figures[0].lastClose, 100 + 259 * 0.5 + (259 % 3)); // 230.5
  assert.match(report.figuresText, /^Symbol\s+Date\s+Close\s+1D/);
  assert.match(report.figuresText, /Correlation of daily returns \(60 returns, /);
  assert.equal(report.costUsd, 0.201);
});

test('the report shows the figures beside the text and flags numbers the figures do not hold', async () => {
  const request = aWatchlist();
  const router = aMarketRouter({
    // 230.50 is AAA's close; 42.7% and 3,100 are nowhere in the figures; 150 and 2023 come from the notes.
    summarise: 'AAA closed at 230.50, up from your 150 entry in 2023.',
    analysis: 'AAA could rally 42.7% if the index reaches 3,100; the 20-day average sits near the close.',
  });
  const report = await runMarketReport({ router, db: aStore() }, request);
  assert.deepEqual(report.snapshot.flagged, []);
  assert.deepEqual(report.analysis.flagged.map((flag) => flag.text), ['42.7%', '3,100']);
  assert.equal(report.snapshot.status, 'done');
  const figuresAt = report.text.indexOf('Figures (computed in code');
  const snapshotAt = report.text.indexOf('Snapshot (cheap-model, orchestration tier):\nAAA closed at 230.50');
  const analysisAt = report.text.indexOf('Analysis (reason-model, reasoning tier):\nAAA could rally');
  assert.ok(figuresAt >= 0 && snapshotAt > figuresAt && analysisAt > snapshotAt, report.text);
  assert.match(report.text, /\[Numbers not found in the figures, check before relying on them: 42\.7%, 3,100\]/);
});

test('a budget refusal defers the deep analysis and the report says so', async () => {
  const budget = new ProviderError({ kind: 'budget_exceeded', message: 'job market-deep is over its daily cap', provider: 'router', model: 'o1' });
  const router = aMarketRouter({ summarise: 'Quiet day.', analysis: budget });
  const report = await runMarketReport({ router, db: aStore() }, aWatchlist());
  assert.equal(report.analysis.status, 'deferred');
  assert.match(report.text, /Analysis: deferred, the budget cap for this job or tier is reached\./);
  assert.equal(report.snapshot.text, 'Quiet day.');
});

test('a chain error carrying a budget refusal counts as one too', async () => {
  const chain = Object.assign(new Error('every model failed'), { attempts: [{ errorKind: 'budget_exceeded' }] });
  const report = await runMarketReport({ router: aMarketRouter({ summarise: 'Quiet.', analysis: chain }), db: aStore() }, aWatchlist());
  assert.equal(report.analysis.status, 'deferred');
});

test('a downgrade by the budget is stated beside the analysis', async () => {
  const router = aMarketRouter({ summarise: 'Quiet day.', analysis: 'Trend intact.', analysisDowngradedTo: 'execution' });
  const report = await runMarketReport({ router, db: aStore() }, aWatchlist());
  assert.equal(report.analysis.status, 'downgraded');
  assert.equal(report.analysis.downgradedFrom, 'reasoning');
  assert.match(report.text, /Analysis \(exec-model, execution tier\):\n\[Downgraded from the reasoning tier to execution by a budget cap\.\]\nTrend intact\./);
});

test('any other model failure leaves the figures and names the failure', async () => {
  const router = aMarketRouter({ summarise: new Error('all providers down'), analysis: 'x' });
  const report = await runMarketReport({ router, db: aStore() }, { ...aWatchlist(), deepAnalysis: false });
  assert.equal(report.snapshot.status, 'failed');
  assert.equal(report.analysis.status, 'skipped');
  assert.match(report.text, /Snapshot: unavailable \(all providers down\)\./);
  assert.equal(router.calls.length, 1);
});

test('number check: rounding as written passes, dates and indicator periods pass, others are flagged', () => {
  // Figures: a return of 0.023456 (2.35 %), a close of 151.237, an RSI of 71.04.
  const figures = [0.023456, 151.237, 71.04];
  assert.deepEqual(flagUnsourcedNumbers('Up 2.35% (about 2%), close 151.24, RSI 71 on the 14-day, on 2025-03-14.', figures, ''), []);
  assert.deepEqual(
    flagUnsourcedNumbers('Up 2.5%, close 152, target 180.', figures, '').map((flag) => flag.text),
    ['2.5%', '152', '180'],
  );
  assert.deepEqual(flagUnsourcedNumbers('Down -2.35% today.', figures, ''), []);
  assert.deepEqual(flagUnsourcedNumbers('Your stop at 140.', figures, 'stop at 140'), []);
});
