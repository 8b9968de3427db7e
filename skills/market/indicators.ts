/**
 * Market indicators, computed in code from daily closes (never by a model). Conventions,
 * fixed here so every figure in a report can be traced and re-derived:
 * - Series are oldest first; "n trading days" means n bars, not calendar days.
 * - Returns are simple: close[t] / close[t - n] - 1. Daily n = 1, weekly n = 5, monthly n = 21.
 * - Year to date: last close / last close of the previous calendar year - 1; when the series
 *   starts inside the year, the first close of the year is the base (the result says which).
 * - Moving averages are simple means of the last n closes.
 * - RSI is Wilder's: the first average gain/loss is the plain mean of the first `period` changes,
 *   then avg = (previous avg × (period - 1) + current) / period. No loss → 100; flat → 50.
 * - Volatility is the sample standard deviation (n - 1) of daily log returns × √252, over the
 *   last `window` returns (all of them when fewer).
 * - Maximum drawdown is the most negative close / running peak close - 1 (≤ 0).
 * - The 52-week high and low are the highest High and lowest Low of the last 252 bars.
 * - Correlation is Pearson's r of simple daily returns.
 * Every function returns undefined when the series is too short.
 */
import type { PriceBar } from '../../memory/market-cache.ts';

export const TRADING_DAYS_PER_WEEK = 5;
export const TRADING_DAYS_PER_MONTH = 21;
export const TRADING_DAYS_PER_YEAR = 252;

/** close[last] / close[last - days] - 1. */
export function periodReturn(closes: number[], days: number): number | undefined {
  if (closes.length <= days) return undefined;
  return closes[closes.length - 1] / closes[closes.length - 1 - days] - 1;
}

/** Year-to-date return of the latest bar's year, with the base it used. */
export function yearToDateReturn(bars: PriceBar[]): { value: number; baseDate: string; base: 'previous-year-close' | 'first-close-of-year' } | undefined {
  if (bars.length < 2) return undefined;
  const last = bars[bars.length - 1];
  const yearStart = `${last.date.slice(0, 4)}-01-01`;
  const firstOfYear = bars.findIndex((bar) => bar.date >= yearStart);
  if (firstOfYear > 0) {
    const base = bars[firstOfYear - 1];
    return { value: last.close / base.close - 1, baseDate: base.date, base: 'previous-year-close' };
  }
  if (firstOfYear === 0 && bars.length - 1 > 0) {
    return { value: last.close / bars[0].close - 1, baseDate: bars[0].date, base: 'first-close-of-year' };
  }
  return undefined;
}

export function simpleMovingAverage(closes: number[], period: number): number | undefined {
  if (closes.length < period || period <= 0) return undefined;
  let sum = 0;
  for (let index = closes.length - period; index < closes.length; index++) sum += closes[index];
  return sum / period;
}

/** Wilder's RSI over the whole series (needs period + 1 closes). */
export function relativeStrengthIndex(closes: number[], period = 14): number | undefined {
  if (closes.length < period + 1) return undefined;
  let averageGain = 0;
  let averageLoss = 0;
  for (let index = 1; index <= period; index++) {
    const change = closes[index] - closes[index - 1];
    if (change > 0) averageGain += change;
    else averageLoss -= change;
  }
  averageGain /= period;
  averageLoss /= period;
  for (let index = period + 1; index < closes.length; index++) {
    const change = closes[index] - closes[index - 1];
    averageGain = (averageGain * (period - 1) + Math.max(change, 0)) / period;
    averageLoss = (averageLoss * (period - 1) + Math.max(-change, 0)) / period;
  }
  if (averageLoss === 0) return averageGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + averageGain / averageLoss);
}

export function logReturns(closes: number[]): number[] {
  const result: number[] = [];
  for (let index = 1; index < closes.length; index++) result.push(Math.log(closes[index] / closes[index - 1]));
  return result;
}

export function simpleReturns(closes: number[]): number[] {
  const result: number[] = [];
  for (let index = 1; index < closes.length; index++) result.push(closes[index] / closes[index - 1] - 1);
  return result;
}

/** Sample standard deviation (divides by n - 1); needs two values. */
export function sampleStandardDeviation(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Annualised volatility of the last `window` daily log returns, and how many were used. */
export function annualisedVolatility(closes: number[], window = TRADING_DAYS_PER_YEAR): { value: number; returns: number } | undefined {
  const returns = logReturns(closes).slice(-window);
  const deviation = sampleStandardDeviation(returns);
  if (deviation === undefined) return undefined;
  return { value: deviation * Math.sqrt(TRADING_DAYS_PER_YEAR), returns: returns.length };
}

/** The worst fall from a running peak, as a fraction ≤ 0 (0 for a series that never falls). */
export function maximumDrawdown(closes: number[]): number | undefined {
  if (closes.length === 0) return undefined;
  let peak = closes[0];
  let worst = 0;
  for (const close of closes) {
    peak = Math.max(peak, close);
    worst = Math.min(worst, close / peak - 1);
  }
  return worst;
}

/** Highest High and lowest Low of the last `days` bars. */
export function rangeHighLow(bars: PriceBar[], days = TRADING_DAYS_PER_YEAR): { high: number; low: number } | undefined {
  if (bars.length === 0) return undefined;
  const window = bars.slice(-days);
  return { high: Math.max(...window.map((bar) => bar.high)), low: Math.min(...window.map((bar) => bar.low)) };
}

/** Pearson's r; undefined for fewer than two pairs or a series with no variation. */
export function pearsonCorrelation(x: number[], y: number[]): number | undefined {
  const count = Math.min(x.length, y.length);
  if (count < 2) return undefined;
  const meanX = x.slice(0, count).reduce((sum, value) => sum + value, 0) / count;
  const meanY = y.slice(0, count).reduce((sum, value) => sum + value, 0) / count;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let index = 0; index < count; index++) {
    covariance += (x[index] - meanX) * (y[index] - meanY);
    varianceX += (x[index] - meanX) ** 2;
    varianceY += (y[index] - meanY) ** 2;
  }
  if (varianceX === 0 || varianceY === 0) return undefined;
  return covariance / Math.sqrt(varianceX * varianceY);
}

/**
 * Daily returns of every series over the dates all of them share, the last `window` returns.
 * Returns between consecutive shared dates, so a holiday in one market does not misalign the others.
 */
export function commonWindowReturns(series: PriceBar[][], window: number): { from: string; to: string; returns: number[][] } | undefined {
  if (series.length === 0) return undefined;
  const closesByDate = series.map((bars) => new Map(bars.map((bar) => [bar.date, bar.close])));
  const shared = [...closesByDate[0].keys()].filter((date) => closesByDate.every((closes) => closes.has(date))).sort();
  const dates = shared.slice(-(window + 1));
  if (dates.length < 3) return undefined;
  const returns = closesByDate.map((closes) => simpleReturns(dates.map((date) => closes.get(date) as number)));
  return { from: dates[0], to: dates[dates.length - 1], returns };
}
