import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOhlcvCsv, PriceDataError } from '../../skills/market/ohlcv-csv.ts';
import { aSeries, toCsv } from './builders.ts';

const bars = aSeries(4, (index) => 100 + index);

test('the common daily format reads oldest first', () => {
  assert.deepEqual(parseOhlcvCsv(toCsv(bars), 'spy.csv'), bars);
});

test('BOM, CRLF, newest-first order, Adj Close and blank lines are tolerated', () => {
  const text = toCsv(bars, { bom: true, crlf: true, newestFirst: true, adjClose: true }).replace('\r\n', '\r\n\r\n');
  assert.deepEqual(parseOhlcvCsv(`\n${text}\n\n`, 'spy.csv'), bars);
});

test('a missing Volume column is allowed; Yahoo "null" rows are skipped', () => {
  const text = 'Date,Open,High,Low,Close\n2025-01-02,1,2,0.5,1.5\n2025-01-03,null,null,null,null\n2025-01-06,1.5,2,1,1.75\n';
  assert.deepEqual(parseOhlcvCsv(text, 'index.csv'), [
    { date: '2025-01-02', open: 1, high: 2, low: 0.5, close: 1.5 },
    { date: '2025-01-06', open: 1.5, high: 2, low: 1, close: 1.75 },
  ]);
});

test('garbage is refused with the file and line', () => {
  const cases: [string, RegExp][] = [
    ['<html>Service unavailable</html>\n', /^data\/x\.csv:1: header .* lacks date, open, high, low, close$/],
    ['Date,Open,High,Low,Close,Volume\n2025-01-02,1,2,0.5,abc,10\n', /^data\/x\.csv:2: Close is "abc", not a number$/],
    ['Date,Open,High,Low,Close,Volume\n2025-01-02,1,2,0.5,1,10\n\n02/01/2025,1,2,0.5,1,10\n', /^data\/x\.csv:4: date "02\/01\/2025" is not YYYY-MM-DD$/],
    ['Date,Open,High,Low,Close,Volume\n2025-01-02,1,2,0.5,1,10\n2025-01-02,1,2,0.5,1,10\n', /^data\/x\.csv:3: date 2025-01-02 appears twice$/],
    ['Date,Open,High,Low,Close,Volume\n2025-01-02,1,2\n', /^data\/x\.csv:2: 3 fields, expected 6$/],
    ['Date,Open,High,Low,Close,Volume\n2025-01-02,1,0.5,2,1,10\n', /^data\/x\.csv:2: High 0\.5 is below Low 2$/],
    ['Date,Open,High,Low,Close,Volume\n', /^data\/x\.csv: no price rows after the header$/],
    ['', /^data\/x\.csv: empty/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseOhlcvCsv(text, 'data/x.csv'), (error: unknown) => error instanceof PriceDataError && expected.test(error.message), text);
  }
});
