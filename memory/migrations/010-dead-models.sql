-- A model the provider says no longer exists for us (retired, unknown id, no access: a 404):
-- kept out of every chain until its config or catalogue entry changes (the fingerprint), and
-- named by `status`, the run's result and the briefing. One row per configured model id.
CREATE TABLE dead_models (
  model TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  api_model TEXT NOT NULL,
  -- Hash of the model's resolved spec when it died; a different hash means the config or catalogue changed.
  fingerprint TEXT NOT NULL,
  status INTEGER,
  message TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  call_id INTEGER
);
