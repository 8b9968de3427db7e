/**
 * The figures of a market report: every number the report or a model may cite, computed in
 * code from the bars (see indicators.ts for the conventions), and their one rendering as text.
 */
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
  TRADING_DAYS_PER_MONTH,
  TRADING_DAYS_PER_WEEK,
  TRADING_DAYS_PER_YEAR,
  yearToDateReturn,
} from './indicators.ts';

export interface SymbolFigures {
  symbol: string;
  name?: string;
  lastDate: string;
  lastClose: number;
  bars: number;
  /** Fractions (0.0123 = 1.23 %). */
  dailyReturn?: number;
  weeklyReturn?: number;
  monthlyReturn?: number;
  ytdReturn?: number;
  ytdBaseDate?: string;
  sma20?: number;
  sma50?: number;
  sma200?: number;
  rsi14?: number;
  /** Annualised, fraction. */
  volatility?: number;
  volatilityReturns?: number;
  /** Over the last 252 bars, fraction ≤ 0. */
  maxDrawdown?: number;
  high52w?: number;
  low52w?: number;
}

export interface CorrelationFigures {
  from: string;
  to: string;
  returns: number;
  /** Row-major, symbols in watchlist order; undefined where a series did not vary. */
  symbols: string[];
  matrix: (number | undefined)[][];
}

export function computeSymbolFigures(symbol: string, bars: PriceBar[], name?: string): SymbolFigures {
  const closes = bars.map((bar) => bar.close);
  const last = bars[bars.length - 1];
  const ytd = yearToDateReturn(bars);
  const volatility = annualisedVolatility(closes);
  const range = rangeHighLow(bars);
  return {
    symbol,
    ...(name ? { name } : {}),
    lastDate: last.date,
    lastClose: last.close,
    bars: bars.length,
    dailyReturn: periodReturn(closes, 1),
    weeklyReturn: periodReturn(closes, TRADING_DAYS_PER_WEEK),
    monthlyReturn: periodReturn(closes, TRADING_DAYS_PER_MONTH),
    ytdReturn: ytd?.value,
    ytdBaseDate: ytd?.baseDate,
    sma20: simpleMovingAverage(closes, 20),
    sma50: simpleMovingAverage(closes, 50),
    sma200: simpleMovingAverage(closes, 200),
    rsi14: relativeStrengthIndex(closes, 14),
    volatility: volatility?.value,
    volatilityReturns: volatility?.returns,
    maxDrawdown: maximumDrawdown(closes.slice(-TRADING_DAYS_PER_YEAR)),
    high52w: range?.high,
    low52w: range?.low,
  };
}

/** Pairwise correlations over the last `window` returns on the dates all series share; undefined for fewer than two series. */
export function computeCorrelations(series: { symbol: string; bars: PriceBar[] }[], window: number): CorrelationFigures | undefined {
  if (series.length < 2) return undefined;
  const common = commonWindowReturns(series.map((item) => item.bars), window);
  if (!common) return undefined;
  const matrix = common.returns.map((row) => common.returns.map((column) => pearsonCorrelation(row, column)));
  return { from: common.from, to: common.to, returns: common.returns[0].length, symbols: series.map((item) => item.symbol), matrix };
}

const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${(value * 100).toFixed(2)}%`);
const price = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(2));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')).join('\n');
}

/** The figures as fixed-width text: what the models are given and what the report shows. */
export function renderFigures(items: SymbolFigures[], correlations: CorrelationFigures | undefined): string {
  const rows = [
    ['Symbol', 'Date', 'Close', '1D', '1W', '1M', 'YTD', 'SMA20', 'SMA50', 'SMA200', 'RSI14', 'Vol(ann)', 'MaxDD(1y)', '52wHigh', '52wLow'],
    ...items.map((item) => [
      item.symbol,
      item.lastDate,
      price(item.lastClose),
      percent(item.dailyReturn),
      percent(item.weeklyReturn),
      percent(item.monthlyReturn),
      percent(item.ytdReturn),
      price(item.sma20),
      price(item.sma50),
      price(item.sma200),
      item.rsi14 === undefined ? 'n/a' : item.rsi14.toFixed(1),
      percent(item.volatility),
      percent(item.maxDrawdown),
      price(item.high52w),
      price(item.low52w),
    ]),
  ];
  let text = table(rows);
  if (correlations) {
    const matrixRows = [
      ['', ...correlations.symbols],
      ...correlations.matrix.map((row, index) => [correlations.symbols[index], ...row.map((value) => (value === undefined ? 'n/a' : value.toFixed(2)))]),
    ];
    text += `\n\nCorrelation of daily returns (${correlations.returns} returns, ${correlations.from} to ${correlations.to}):\n${table(matrixRows)}`;
  }
  return text;
}
