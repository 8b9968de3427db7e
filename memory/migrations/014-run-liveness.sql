-- Issue 14: runs tell the truth.
-- * `degraded`: the run finished and delivered, but part of its work failed (the skill said which,
--   in result.problems). Widening a CHECK needs the table rebuilt; migrate() runs every migration
--   with foreign keys off and checks them before commit, so job_steps and run_cancellations keep
--   their rows.
-- * `heartbeat_at`: the owning process writes it while the run is running; a reader that finds
--   the owner gone (or the heartbeat stale on another boot) knows the run died.
-- * `pgid`: the process group of the run's children (the command skill), so that stopping the run
--   kills the whole group and a restarted daemon can end the orphans of a run that died.
CREATE TABLE job_runs_014 (
  id INTEGER PRIMARY KEY,
  job TEXT NOT NULL,
  skill TEXT NOT NULL,
  slot TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual', 'retry')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'degraded', 'failed', 'timed_out',
    'interrupted', 'skipped_overlap', 'skipped_budget', 'missed', 'cancelled')),
  attempt INTEGER NOT NULL DEFAULT 1,
  pid INTEGER,
  owner TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  cost_usd REAL NOT NULL DEFAULT 0,
  error TEXT,
  result TEXT,
  heartbeat_at TEXT,
  pgid INTEGER
);
INSERT INTO job_runs_014 (id, job, skill, slot, idempotency_key, trigger, status, attempt, pid, owner, created_at, started_at, ended_at, cost_usd, error, result)
  SELECT id, job, skill, slot, idempotency_key, trigger, status, attempt, pid, owner, created_at, started_at, ended_at, cost_usd, error, result FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_014 RENAME TO job_runs;
CREATE INDEX job_runs_job ON job_runs(job, slot);
CREATE INDEX job_runs_status ON job_runs(status, job);
