/**
 * Each indicator against values worked out by hand on small series. The arithmetic is
 * written out here, independently of the implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PriceBar } from '../../memory/market-cache.ts';
import {
  annualisedVolatility,
  commonWindowReturns,
  maximumDrawdown,
  pearsonCorrelation,
  periodReturn,
  rangeHighLow,
  relativeStrengthIndex,
  simpleMovingAverage,
  yearToDateReturn,
} from '../../skills/market/indicators.ts';

function close(actual: number | undefined, expected: number, tolerance = 1e-9): void {
  assert.ok(actual !== undefined, `expected ${expected}, got undefined`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
}

function aBar(date: string, closeValue: number, high = closeValue, low = closeValue): PriceBar {
  return { date, open: closeValue, high, low, close: closeValue };
}

test('daily, weekly (5 days) and monthly (21 days) returns', () => {
  // closes 100, 101, ..., 121: 22 bars, the last is 121.
  const closes = Array.from({ length: 22 }, (_, index) => 100 + index);
  close(periodReturn(closes, 1), 121 / 120 - 1); // 0.008333...
  close(periodReturn(closes, 5), 121 / 116 - 1); // 0.043103...
  close(periodReturn(closes, 21), 121 / 100 - 1); // 0.21
  assert.equal(periodReturn(closes, 22), undefined);
});

test('year to date from the last close of the previous year, else the first close of the year', () => {
  const bars = [aBar('2024-12-30', 50), aBar('2024-12-31', 40), aBar('2025-01-02', 44), aBar('2025-01-03', 46)];
  const ytd = yearToDateReturn(bars);
  close(ytd?.value, 46 / 40 - 1); // 0.15
  assert.equal(ytd?.baseDate, '2024-12-31');
  assert.equal(ytd?.base, 'previous-year-close');
  const short = yearToDateReturn(bars.slice(2));
  close(short?.value, 46 / 44 - 1); // 0.0454...
  assert.equal(short?.base, 'first-close-of-year');
});

test('20, 50 and 200-day simple moving averages', () => {
  // closes 1..200: the last 20 are 181..200, mean (181 + 200) / 2 = 190.5.
  const closes = Array.from({ length: 200 }, (_, index) => index + 1);
  close(simpleMovingAverage(closes, 20), 190.5);
  close(simpleMovingAverage(closes, 50), (151 + 200) / 2); // 175.5
  close(simpleMovingAverage(closes, 200), (1 + 200) / 2); // 100.5
  assert.equal(simpleMovingAverage(closes.slice(1), 200), undefined);
});

test("RSI with Wilder's smoothing", () => {
  // Period 2 on 10, 11, 10.5, 11.5, 12: changes +1, -0.5, +1, +0.5.
  // Seed: gain (1 + 0) / 2 = 0.5, loss (0 + 0.5) / 2 = 0.25.
  // +1:   gain (0.5 × 1 + 1) / 2 = 0.75,   loss (0.25 × 1 + 0) / 2 = 0.125.
  // +0.5: gain (0.75 + 0.5) / 2 = 0.625,  loss 0.125 / 2 = 0.0625.  RS = 10, RSI = 100 - 100 / 11.
  close(relativeStrengthIndex([10, 11, 10.5, 11.5, 12], 2), 100 - 100 / 11); // 90.909...

  // Period 14: 100, 101, 100, ... (15 closes): seven +1 and seven -1, gain = loss = 0.5, RSI 50.
  const zigzag = Array.from({ length: 15 }, (_, index) => (index % 2 === 0 ? 100 : 101));
  close(relativeStrengthIndex(zigzag), 50);
  // Then a +2 day: gain (0.5 × 13 + 2) / 14 = 8.5/14, loss (0.5 × 13) / 14 = 6.5/14, RS = 17/13.
  close(relativeStrengthIndex([...zigzag, 102]), 100 - 100 / (1 + 17 / 13)); // 56.666...
  close(relativeStrengthIndex(Array.from({ length: 15 }, (_, index) => 100 + index)), 100); // no losses
  assert.equal(relativeStrengthIndex(zigzag.slice(1)), undefined); // 14 closes are one short
});

test('annualised volatility: sample stdev of log returns × √252', () => {
  // 100, 110, 99: log returns ln 1.1 and ln 0.9. The sample stdev of two values a, b is |a - b| / √2,
  // so σ = ln(1.1 / 0.9) / √2 and the annualised figure is ln(11/9) × √252 / √2 = ln(11/9) × √126.
  const result = annualisedVolatility([100, 110, 99]);
  close(result?.value, Math.log(11 / 9) * Math.sqrt(126)); // 2.2525...
  assert.equal(result?.returns, 2);
  // A window of one return has no sample stdev.
  assert.equal(annualisedVolatility([100, 110, 99], 1), undefined);
  // The window keeps the last returns: 110 → 99 → 108.9 are ln 0.9 and ln 1.1 again.
  close(annualisedVolatility([50, 100, 110, 99, 108.9], 2)?.value, Math.log(11 / 9) * Math.sqrt(126));
});

test('maximum drawdown from the running peak', () => {
  // Peaks 100, 120, 120, 130, 130; falls 0, 0, 90/120 - 1 = -0.25, 0, 104/130 - 1 = -0.2.
  close(maximumDrawdown([100, 120, 90, 130, 104]), -0.25);
  close(maximumDrawdown([1, 2, 3]), 0);
});

test('52-week high and low use the High and Low of the last 252 bars only', () => {
  const bars: PriceBar[] = [aBar('2024-01-01', 100, 1000, 1)];
  for (let index = 0; index < 252; index++) bars.push(aBar(`d${String(index).padStart(3, '0')}`, 100, 100 + (index % 7), 95 - (index % 5)));
  // Highs 100..106 and lows 95..91 repeat; the first bar (1000 / 1) is the 253rd from the end.
  assert.deepEqual(rangeHighLow(bars), { high: 106, low: 91 });
});

test('Pearson correlation', () => {
  // x 1,2,3,4 (mean 2.5), y 2,4,6,9 (mean 5.25).
  // Σdx·dy = (-1.5)(-3.25) + (-0.5)(-1.25) + (0.5)(0.75) + (1.5)(3.75) = 4.875 + 0.625 + 0.375 + 5.625 = 11.5
  // Σdx² = 5, Σdy² = 10.5625 + 1.5625 + 0.5625 + 14.0625 = 26.75; r = 11.5 / √(5 × 26.75).
  close(pearsonCorrelation([1, 2, 3, 4], [2, 4, 6, 9]), 11.5 / Math.sqrt(133.75)); // 0.99438...
  close(pearsonCorrelation([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(pearsonCorrelation([1, 1, 1], [1, 2, 3]), undefined);
});

test('correlation windows use the dates every series shares', () => {
  const a = [aBar('2025-01-01', 100), aBar('2025-01-02', 110), aBar('2025-01-03', 121), aBar('2025-01-06', 133.1)];
  const b = [aBar('2025-01-01', 10), aBar('2025-01-03', 12), aBar('2025-01-06', 9)];
  const window = commonWindowReturns([a, b], 60);
  assert.equal(window?.from, '2025-01-01');
  assert.equal(window?.to, '2025-01-06');
  // Shared dates 01, 03, 06: A 100 → 121 → 133.1 (+21%, +10%), B 10 → 12 → 9 (+20%, -25%).
  close(window?.returns[0][0], 0.21);
  close(window?.returns[0][1], 0.1);
  close(window?.returns[1][0], 0.2);
  close(window?.returns[1][1], -0.25);
});
