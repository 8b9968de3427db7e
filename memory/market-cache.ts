/**
 * The market price cache: daily bars per symbol with the time they were fetched. Plain
 * functions over a `Database`; the market skill decides when to read and write.
 */
import type { Store } from './store.ts';

export interface PriceBar {
  /** YYYY-MM-DD */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Undefined when the source has no volume. */
  volume?: number;
}

/** Inserts or replaces `bars` for `symbol` in one transaction, stamped `fetchedAt`. */
export function saveBars(db: Store, symbol: string, bars: PriceBar[], fetchedAt: Date): void {
  const statement = db.prepare(
    `INSERT INTO market_prices (symbol, date, open, high, low, close, volume, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (symbol, date) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
       close = excluded.close, volume = excluded.volume, fetched_at = excluded.fetched_at`,
  );
  const stamp = fetchedAt.toISOString();
  db.transaction(() => {
    for (const bar of bars) statement.run(symbol, bar.date, bar.open, bar.high, bar.low, bar.close, bar.volume ?? null, stamp);
  })();
}

/** The cached bars of `symbol`, oldest first; empty when none. */
export function loadBars(db: Store, symbol: string): PriceBar[] {
  const rows = db
    .prepare('SELECT date, open, high, low, close, volume FROM market_prices WHERE symbol = ? ORDER BY date')
    .all(symbol) as { date: string; open: number; high: number; low: number; close: number; volume: number | null }[];
  return rows.map((row) => ({
    date: row.date,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    ...(row.volume === null ? {} : { volume: row.volume }),
  }));
}

/** When `symbol` was last fetched successfully; undefined when never. */
export function lastFetchedAt(db: Store, symbol: string): Date | undefined {
  const row = db.prepare('SELECT MAX(fetched_at) AS fetched_at FROM market_prices WHERE symbol = ?').get(symbol) as
    | { fetched_at: string | null }
    | undefined;
  return row?.fetched_at ? new Date(row.fetched_at) : undefined;
}
