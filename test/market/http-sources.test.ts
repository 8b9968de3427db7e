import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runMarketReport } from '../../skills/market/run-market-report.ts';
import type { PriceSource } from '../../skills/market/price-sources.ts';
import { fetchBars } from '../../skills/market/price-sources.ts';
import { PriceDataError } from '../../skills/market/ohlcv-csv.ts';
import { aSeries, aStore, toCsv } from './builders.ts';

const series = aSeries(30, (index) => 100 + index);
const requests: string[] = [];
let server: Server;
let base: string;

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    switch (url.pathname) {
      case '/ok':
        response.writeHead(200, { 'content-type': 'text/csv' }).end(toCsv(series, { newestFirst: true }));
        return;
      case '/fail':
        response.writeHead(500).end('internal error');
        return;
      case '/garbage':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Exceeded the daily hits limit</body></html>');
        return;
      case '/big':
        response.writeHead(200, { 'content-type': 'text/csv' }).end('x'.repeat(10_000));
        return;
      case '/av': {
        const daily: Record<string, Record<string, string>> = {};
        for (const bar of series) daily[bar.date] = { '1. open': String(bar.open), '2. high': String(bar.high), '3. low': String(bar.low), '4. close': String(bar.close), '5. volume': String(bar.volume) };
        const body = url.searchParams.get('apikey') === 'secret-key-123' ? { 'Meta Data': {}, 'Time Series (Daily)': daily } : { 'Error Message': 'Invalid API call' };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function anHttpSource(path: string, extra: Partial<Extract<PriceSource, { type: 'http' }>> = {}): PriceSource {
  return { type: 'http', url: `${base}${path}?s={symbol}&i=d`, format: 'csv', timeoutMs: 5_000, maxBytes: 1_000_000, ...extra };
}

test('a CSV endpoint is fetched with the symbol in the URL and read oldest first', async () => {
  const bars = await fetchBars(anHttpSource('/ok'), 'spy.us', {});
  assert.deepEqual(bars, series);
  assert.ok(requests.includes('/ok?s=spy.us&i=d'));
});

test('a failing source (HTTP 500) falls back to the cache, and the report says how old it is', async () => {
  const db = aStore();
  const fetchedAt = new Date('2025-03-14T22:00:00Z');
  await runMarketReport({ db, now: () => fetchedAt }, { watchlist: [{ symbol: 'SPY' }], source: anHttpSource('/ok'), deepAnalysis: false, correlationWindow: 60 });
  const later = new Date('2025-03-17T22:00:00Z');
  const report = await runMarketReport({ db, now: () => later }, { watchlist: [{ symbol: 'SPY' }], source: anHttpSource('/fail'), deepAnalysis: false, correlationWindow: 60 });
  const [note] = report.dataNotes;
  assert.equal(note.source, 'cache');
  assert.equal(note.fetchedAt, fetchedAt.toISOString());
  assert.equal(note.ageHours, 72);
  assert.match(note.message ?? '', /HTTP 500; using cached data fetched 3 days ago \(last bar 2025-03-14\)$/);
  assert.equal(report.figures[0].lastClose, 129);
  assert.match(report.text, /Data caveats:\n- SPY: .*HTTP 500; using cached data fetched 3 days ago/);
});

test('garbage from the source is a clear error, and the cache is used', async () => {
  await assert.rejects(fetchBars(anHttpSource('/garbage'), 'SPY', {}), (error: unknown) => {
    assert.ok(error instanceof PriceDataError);
    assert.match(error.message, new RegExp(`^${base}/garbage\\?s=SPY&i=d:1: header "<html><body>Exceeded the daily hits limit</body></html>" lacks date, open, high, low, close$`));
    return true;
  });
  const db = aStore();
  await runMarketReport({ db, now: () => new Date('2025-03-14T22:00:00Z') }, { watchlist: [{ symbol: 'SPY' }], source: anHttpSource('/ok'), deepAnalysis: false, correlationWindow: 60 });
  const report = await runMarketReport({ db, now: () => new Date('2025-03-15T01:00:00Z') }, { watchlist: [{ symbol: 'SPY' }], source: anHttpSource('/garbage'), deepAnalysis: false, correlationWindow: 60 });
  assert.equal(report.dataNotes[0].source, 'cache');
  assert.match(report.dataNotes[0].message ?? '', /lacks date.*; using cached data fetched 3 hours ago/);
});

test('with no cache a failing source leaves the symbol out, and with nothing at all the report fails clearly', async () => {
  const db = aStore();
  await runMarketReport({ db }, { watchlist: [{ symbol: 'SPY' }], source: anHttpSource('/ok'), deepAnalysis: false, correlationWindow: 60 });
  const report = await runMarketReport({ db }, { watchlist: [{ symbol: 'SPY' }, { symbol: 'QQQ' }], source: anHttpSource('/fail'), deepAnalysis: false, correlationWindow: 60 });
  assert.deepEqual(report.figures.map((item) => item.symbol), ['SPY']);
  assert.equal(report.dataNotes[1].source, 'none');
  assert.match(report.dataNotes[1].message ?? '', /HTTP 500; no cached data$/);
  await assert.rejects(
    runMarketReport({ db: aStore() }, { watchlist: [{ symbol: 'QQQ' }], source: anHttpSource('/fail'), deepAnalysis: false, correlationWindow: 60 }),
    /no price data for any watchlist symbol: QQQ: .*HTTP 500; no cached data/,
  );
});

test('a response over the size cap is refused', async () => {
  await assert.rejects(fetchBars(anHttpSource('/big', { maxBytes: 1_000 }), 'SPY', {}), /exceeds the cap of 1000 bytes/);
});

test('Alpha Vantage JSON with the key from the environment; the key never appears in errors', async () => {
  const source: PriceSource = { type: 'http', url: `${base}/av?function=TIME_SERIES_DAILY&symbol={symbol}&apikey={apikey}`, format: 'alphavantage', apiKeyEnv: 'AV_KEY', timeoutMs: 5_000, maxBytes: 1_000_000 };
  assert.deepEqual(await fetchBars(source, 'IBM', { env: { AV_KEY: 'secret-key-123' } }), series);
  await assert.rejects(fetchBars(source, 'IBM', { env: { AV_KEY: 'wrong-key-456' } }), (error: unknown) => {
    assert.match((error as Error).message, /symbol=IBM&apikey=\[redacted\]: Alpha Vantage says: Invalid API call$/);
    assert.doesNotMatch((error as Error).message, /wrong-key-456/);
    return true;
  });
  await assert.rejects(fetchBars(source, 'IBM', { env: {} }), /set the environment variable AV_KEY/);
});

test('an unreachable source is a clear error naming it', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const source: PriceSource = { type: 'http', url: `http://127.0.0.1:${port}/q?s={symbol}`, format: 'csv', timeoutMs: 5_000, maxBytes: 1_000 };
  await assert.rejects(fetchBars(source, 'SPY', {}), new RegExp(`^PriceDataError: http://127.0.0.1:${port}/q\\?s=SPY: .*ECONNREFUSED`));
});
