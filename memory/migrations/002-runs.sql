-- Job runs: one row per (job, slot). The idempotency key makes a second run of a slot impossible:
-- a retry of an interrupted run reuses the row (attempt + 1) and so keeps the slot's key.
CREATE TABLE job_runs (
  id INTEGER PRIMARY KEY,
  job TEXT NOT NULL,
  skill TEXT NOT NULL,
  slot TEXT NOT NULL,                  -- ISO 8601 UTC of the scheduled slot, or 'manual:<ISO time>'
  idempotency_key TEXT NOT NULL UNIQUE,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual', 'retry')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out',
    'interrupted', 'skipped_overlap', 'skipped_budget', 'missed', 'cancelled')),
  attempt INTEGER NOT NULL DEFAULT 1,
  pid INTEGER,
  owner TEXT,                          -- pid:boot-id:start-time of the process running it (pid reuse safe)
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  cost_usd REAL NOT NULL DEFAULT 0,
  error TEXT,
  result TEXT                          -- JSON summary from the skill
);
CREATE INDEX job_runs_job ON job_runs(job, slot);
CREATE INDEX job_runs_status ON job_runs(status, job);

-- The orchestrator's steps and transcript for `runs show`.
CREATE TABLE job_steps (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES job_runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  kind TEXT NOT NULL,                  -- model | tool | delegate | escalation | finish | interruption
  tier TEXT,
  model TEXT,
  tool TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL,
  detail TEXT,                         -- JSON
  created_at TEXT NOT NULL
);
CREATE INDEX job_steps_run ON job_steps(run_id, step);

-- Per-job, per-key state such as watermarks: advanced in the same transaction as the work.
CREATE TABLE job_state (
  job TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (job, key)
);

-- `runs cancel ID` writes here; the process running the run polls it only while it runs jobs.
CREATE TABLE run_cancellations (
  run_id INTEGER PRIMARY KEY REFERENCES job_runs(id) ON DELETE CASCADE,
  requested_at TEXT NOT NULL
);
