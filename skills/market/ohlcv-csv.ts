/**
 * Reading daily OHLCV CSV (Date,Open,High,Low,Close[,Adj Close][,Volume]) as exported by
 * Yahoo, Stooq and most brokers. Columns are found by header name; a BOM, CRLF line ends,
 * blank lines and newest-first order are accepted. Anything else is an error naming the
 * source and the line.
 */
import type { PriceBar } from '../../memory/market-cache.ts';

export class PriceDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceDataError';
  }
}

const REQUIRED = ['date', 'open', 'high', 'low', 'close'] as const;

function parseNumber(text: string, column: string, where: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new PriceDataError(`${where}: ${column} is ${JSON.stringify(text.slice(0, 40))}, not a number`);
  }
  return value;
}

/**
 * Parses CSV text into bars, oldest first. `source` names the file or URL in errors. Rows whose
 * price fields are all "null" (Yahoo's non-trading days) are skipped. Throws `PriceDataError`
 * for a missing column, a bad date or number, a duplicate date, high below low, or no rows.
 */
export function parseOhlcvCsv(text: string, source: string): PriceBar[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let index = lines.findIndex((line) => line.trim() !== '');
  if (index < 0) throw new PriceDataError(`${source}: empty, expected a header Date,Open,High,Low,Close,Volume`);
  const header = lines[index].split(',').map((name) => name.trim().toLowerCase());
  const columns: Record<string, number> = {};
  for (const name of [...REQUIRED, 'volume']) columns[name] = header.indexOf(name);
  const missing = REQUIRED.filter((name) => columns[name] < 0);
  if (missing.length > 0) {
    throw new PriceDataError(`${source}:${index + 1}: header ${JSON.stringify(lines[index].slice(0, 80))} lacks ${missing.join(', ')}`);
  }
  const bars: PriceBar[] = [];
  const seen = new Set<string>();
  for (index++; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') continue;
    const where = `${source}:${index + 1}`;
    const cells = line.split(',');
    if (cells.length < header.length) throw new PriceDataError(`${where}: ${cells.length} fields, expected ${header.length}`);
    const date = cells[columns.date].trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new PriceDataError(`${where}: date ${JSON.stringify(date.slice(0, 40))} is not YYYY-MM-DD`);
    }
    const priceCells = ['open', 'high', 'low', 'close'].map((name) => cells[columns[name]].trim());
    if (priceCells.every((cell) => cell === 'null')) continue;
    if (seen.has(date)) throw new PriceDataError(`${where}: date ${date} appears twice`);
    seen.add(date);
    const bar: PriceBar = {
      date,
      open: parseNumber(cells[columns.open], 'Open', where),
      high: parseNumber(cells[columns.high], 'High', where),
      low: parseNumber(cells[columns.low], 'Low', where),
      close: parseNumber(cells[columns.close], 'Close', where),
    };
    if (bar.close <= 0) throw new PriceDataError(`${where}: Close ${bar.close} is not positive`);
    if (bar.high < bar.low) throw new PriceDataError(`${where}: High ${bar.high} is below Low ${bar.low}`);
    if (columns.volume >= 0 && cells[columns.volume].trim() !== '') bar.volume = parseNumber(cells[columns.volume], 'Volume', where);
    bars.push(bar);
  }
  if (bars.length === 0) throw new PriceDataError(`${source}: no price rows after the header`);
  return bars.sort((a, b) => a.date.localeCompare(b.date));
}
