-- The call ledger: one row per provider attempt, successful or not.
CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,            -- ISO 8601 UTC
  day TEXT NOT NULL,                   -- YYYY-MM-DD (UTC) for daily caps and the bill
  month TEXT NOT NULL,                 -- YYYY-MM
  run_id INTEGER,                      -- job_runs.id; NULL for ad-hoc calls
  job TEXT,
  skill TEXT,
  step INTEGER,
  tier TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,        -- uncached input
  cached_input_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  flagship_cost_usd REAL NOT NULL DEFAULT 0,    -- the same usage at the flagship's price on that day
  cache_savings_usd REAL NOT NULL DEFAULT 0,    -- uncached price of cache reads, minus what reads and writes cost
  latency_ms INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'aborted')),
  error_kind TEXT,
  error_message TEXT,
  fallback_from INTEGER REFERENCES calls(id),   -- the attempt this one fell back from
  reason TEXT,                         -- the routing decision's reason
  simulated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX calls_run ON calls(run_id);
CREATE INDEX calls_day ON calls(day);

-- Running totals per day, tier, job and model, kept by trigger so the bill and budget
-- checks read a few hundred rows instead of scanning the ledger.
CREATE TABLE call_totals (
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  tier TEXT NOT NULL,
  job TEXT NOT NULL,                   -- '' for ad-hoc calls
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  simulated INTEGER NOT NULL,
  calls INTEGER NOT NULL DEFAULT 0,
  failed_calls INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  cached_input_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  flagship_cost_usd REAL NOT NULL DEFAULT 0,
  cache_savings_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, tier, job, model, provider, simulated)
) WITHOUT ROWID;
CREATE INDEX call_totals_month ON call_totals(month);

CREATE TRIGGER calls_totals_insert AFTER INSERT ON calls BEGIN
  INSERT INTO call_totals (day, month, tier, job, model, provider, simulated, calls, failed_calls,
    input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, flagship_cost_usd,
    cache_savings_usd)
  VALUES (NEW.day, NEW.month, NEW.tier, COALESCE(NEW.job, ''), NEW.model, NEW.provider, NEW.simulated, 1,
    CASE WHEN NEW.outcome = 'ok' THEN 0 ELSE 1 END,
    NEW.input_tokens, NEW.cached_input_tokens, NEW.cache_write_tokens, NEW.output_tokens, NEW.reasoning_tokens,
    NEW.cost_usd, NEW.flagship_cost_usd, NEW.cache_savings_usd)
  ON CONFLICT (day, tier, job, model, provider, simulated) DO UPDATE SET
    calls = calls + 1,
    failed_calls = failed_calls + excluded.failed_calls,
    input_tokens = input_tokens + excluded.input_tokens,
    cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = cost_usd + excluded.cost_usd,
    flagship_cost_usd = flagship_cost_usd + excluded.flagship_cost_usd,
    cache_savings_usd = cache_savings_usd + excluded.cache_savings_usd;
END;

-- Worst-case cost held before a call and released when the call settles.
CREATE TABLE budget_reservations (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  tier TEXT NOT NULL,
  job TEXT NOT NULL,                   -- '' for ad-hoc calls
  model TEXT NOT NULL,
  amount_usd REAL NOT NULL,
  pid INTEGER NOT NULL                 -- reservations of a dead process are cleared at start
);
CREATE INDEX budget_reservations_month ON budget_reservations(month);

-- Circuit breaker per model, shared by every process on the database.
CREATE TABLE breakers (
  model TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  opened_at TEXT,
  probe_started_at TEXT,               -- set while the one half-open probe is in flight
  last_error_kind TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
