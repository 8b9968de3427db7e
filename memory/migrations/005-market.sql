-- Daily price bars per symbol, as last fetched. A failing source falls back to these rows,
-- and fetched_at says how old they are.
CREATE TABLE market_prices (
  symbol TEXT NOT NULL,
  date TEXT NOT NULL,                  -- YYYY-MM-DD, the trading day
  open REAL NOT NULL,
  high REAL NOT NULL,
  low REAL NOT NULL,
  close REAL NOT NULL,
  volume REAL,                         -- NULL when the source has no volume (indices)
  fetched_at TEXT NOT NULL,            -- ISO 8601 UTC
  PRIMARY KEY (symbol, date)
) WITHOUT ROWID;
