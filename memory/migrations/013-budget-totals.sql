-- Running spend and reservations per budget period and scope, so a reservation reads at most
-- six rows by key instead of summing the month. `period` is a UTC day (YYYY-MM-DD) or month
-- (YYYY-MM); `scope` is 'total' (name ''), 'tier' or 'job' (name = the tier or job). Kept by
-- the triggers below in the same transaction as the ledger row or reservation that changes it.
CREATE TABLE budget_totals (
  period TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('total', 'tier', 'job')),
  name TEXT NOT NULL,
  spent_usd REAL NOT NULL DEFAULT 0,
  reserved_usd REAL NOT NULL DEFAULT 0,
  reservations INTEGER NOT NULL DEFAULT 0,   -- live reservations; reserved_usd is reset to 0 when none is left
  PRIMARY KEY (period, scope, name)
) WITHOUT ROWID;

-- Backfill from the ledger's rollup and the live reservations.
INSERT INTO budget_totals (period, scope, name, spent_usd)
SELECT period, scope, name, SUM(cost_usd) FROM (
  SELECT day AS period, 'total' AS scope, '' AS name, cost_usd FROM call_totals
  UNION ALL SELECT month, 'total', '', cost_usd FROM call_totals
  UNION ALL SELECT day, 'tier', tier, cost_usd FROM call_totals
  UNION ALL SELECT month, 'tier', tier, cost_usd FROM call_totals
  UNION ALL SELECT day, 'job', job, cost_usd FROM call_totals WHERE job <> ''
  UNION ALL SELECT month, 'job', job, cost_usd FROM call_totals WHERE job <> ''
) GROUP BY period, scope, name;

INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations)
SELECT period, scope, name, SUM(amount_usd), COUNT(*) FROM (
  SELECT day AS period, 'total' AS scope, '' AS name, amount_usd FROM budget_reservations
  UNION ALL SELECT month, 'total', '', amount_usd FROM budget_reservations
  UNION ALL SELECT day, 'tier', tier, amount_usd FROM budget_reservations
  UNION ALL SELECT month, 'tier', tier, amount_usd FROM budget_reservations
  UNION ALL SELECT day, 'job', job, amount_usd FROM budget_reservations WHERE job <> ''
  UNION ALL SELECT month, 'job', job, amount_usd FROM budget_reservations WHERE job <> ''
) WHERE true GROUP BY period, scope, name
ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = excluded.reserved_usd, reservations = excluded.reservations;

-- One statement per scope and period, each a primary-key lookup, so the cost stays flat
-- however many rows a month holds.
CREATE TRIGGER calls_budget_totals AFTER INSERT ON calls WHEN NEW.cost_usd <> 0 BEGIN
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.day, 'total', '', NEW.cost_usd WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.day, 'tier', NEW.tier, NEW.cost_usd WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.day, 'job', NEW.job, NEW.cost_usd WHERE COALESCE(NEW.job, '') <> ''
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.month, 'total', '', NEW.cost_usd WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.month, 'tier', NEW.tier, NEW.cost_usd WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
  INSERT INTO budget_totals (period, scope, name, spent_usd) SELECT NEW.month, 'job', NEW.job, NEW.cost_usd WHERE COALESCE(NEW.job, '') <> ''
    ON CONFLICT (period, scope, name) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd;
END;

CREATE TRIGGER budget_reservations_totals_insert AFTER INSERT ON budget_reservations BEGIN
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.day, 'total', '', NEW.amount_usd, 1 WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.day, 'tier', NEW.tier, NEW.amount_usd, 1 WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.day, 'job', NEW.job, NEW.amount_usd, 1 WHERE NEW.job <> ''
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.month, 'total', '', NEW.amount_usd, 1 WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.month, 'tier', NEW.tier, NEW.amount_usd, 1 WHERE true
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
  INSERT INTO budget_totals (period, scope, name, reserved_usd, reservations) SELECT NEW.month, 'job', NEW.job, NEW.amount_usd, 1 WHERE NEW.job <> ''
    ON CONFLICT (period, scope, name) DO UPDATE SET reserved_usd = reserved_usd + excluded.reserved_usd, reservations = reservations + 1;
END;

CREATE TRIGGER budget_reservations_totals_delete AFTER DELETE ON budget_reservations BEGIN
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.day AND scope = 'total' AND name = '';
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.day AND scope = 'tier' AND name = OLD.tier;
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.day AND scope = 'job' AND name = OLD.job AND OLD.job <> '';
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.month AND scope = 'total' AND name = '';
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.month AND scope = 'tier' AND name = OLD.tier;
  UPDATE budget_totals SET reservations = reservations - 1, reserved_usd = CASE WHEN reservations <= 1 THEN 0 ELSE reserved_usd - OLD.amount_usd END WHERE period = OLD.month AND scope = 'job' AND name = OLD.job AND OLD.job <> '';
END;

-- A ledger row whose usage was estimated by Switchboard (a stream cut before the provider
-- reported usage), not reported by the provider.
ALTER TABLE calls ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;

-- Budget events gain 'overrun': a call's real cost took a scope past its cap (by at most
-- that call's difference from its reservation). SQLite cannot alter a CHECK: rebuild.
CREATE TABLE budget_events_new (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  job TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('downgrade', 'defer', 'overrun')),
  from_tier TEXT NOT NULL,
  to_tier TEXT,
  cap TEXT NOT NULL,
  over_usd REAL                          -- for 'overrun': how far past the cap the scope went
);
INSERT INTO budget_events_new (id, at, day, month, job, kind, from_tier, to_tier, cap)
  SELECT id, at, day, month, job, kind, from_tier, to_tier, cap FROM budget_events;
DROP TABLE budget_events;
ALTER TABLE budget_events_new RENAME TO budget_events;
CREATE INDEX budget_events_day ON budget_events(day);
CREATE INDEX budget_events_month ON budget_events(month);
