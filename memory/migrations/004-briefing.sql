-- Deliveries: one row per side effect that must happen once (a briefing mail), keyed by the
-- run's idempotency key. A retried run of the same slot finds 'sent' and sends nothing.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,            -- job_runs.idempotency_key
  job TEXT NOT NULL,
  channel TEXT,                        -- smtp | outbox, once known
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  message_id TEXT,
  location TEXT,                       -- outbox path or SMTP server response
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX deliveries_job ON deliveries(job, created_at);
