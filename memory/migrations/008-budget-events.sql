-- A budget cap acting on a call: downgraded to a cheaper tier, or deferred (not made).
-- Read by the bill and the briefing so that a cap never acts silently.
CREATE TABLE budget_events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  job TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('downgrade', 'defer')),
  from_tier TEXT NOT NULL,
  to_tier TEXT,
  cap TEXT NOT NULL
);
CREATE INDEX budget_events_day ON budget_events(day);
CREATE INDEX budget_events_month ON budget_events(month);
