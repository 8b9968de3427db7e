-- The agent's memory: facts, daily notes and one full-text index over both (and over email
-- extractions when that table exists: see syncExtractions in memory/facts.ts).
CREATE TABLE facts (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'user',  -- user | agent | <job name>
  created_at TEXT NOT NULL              -- ISO 8601 UTC
);

-- Daily notes mirror the Markdown files in <dataDir>/memory/YYYY-MM-DD.md, one row per append,
-- so that a search can find what a job wrote on a given day.
CREATE TABLE daily_notes (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,                    -- YYYY-MM-DD in the user's time zone
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX daily_notes_day ON daily_notes(day);

-- One index so that bm25 ranks facts, notes and extractions against the same statistics.
-- kind: fact | note | extraction; ref: the row id in the table the kind names.
CREATE VIRTUAL TABLE memory_search USING fts5(
  body,
  kind UNINDEXED,
  ref UNINDEXED,
  day UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER facts_index_insert AFTER INSERT ON facts BEGIN
  INSERT INTO memory_search (body, kind, ref, day) VALUES (NEW.text, 'fact', NEW.id, substr(NEW.created_at, 1, 10));
END;
CREATE TRIGGER facts_index_delete AFTER DELETE ON facts BEGIN
  DELETE FROM memory_search WHERE kind = 'fact' AND ref = OLD.id;
END;
CREATE TRIGGER facts_index_update AFTER UPDATE OF text ON facts BEGIN
  UPDATE memory_search SET body = NEW.text WHERE kind = 'fact' AND ref = OLD.id;
END;
CREATE TRIGGER daily_notes_index_insert AFTER INSERT ON daily_notes BEGIN
  INSERT INTO memory_search (body, kind, ref, day) VALUES (NEW.text, 'note', NEW.id, NEW.day);
END;

-- Research digests, read by the briefing.
CREATE TABLE research_digests (
  id INTEGER PRIMARY KEY,
  job TEXT NOT NULL,
  run_id INTEGER,
  created_at TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  items TEXT NOT NULL,                  -- JSON: [{ source, title, link, published, summary }]
  write_up TEXT,                        -- the reasoning-tier write-up, when one was configured
  write_up_topic TEXT,
  model TEXT,
  cost_usd REAL NOT NULL DEFAULT 0
);
CREATE INDEX research_digests_job ON research_digests(job, created_at);

-- Research: items already summarised, per source, so nothing is summarised twice.
CREATE TABLE seen_items (
  source TEXT NOT NULL,                 -- feed or page URL
  item_key TEXT NOT NULL,               -- guid, else link, else sha256 of the content
  seen_at TEXT NOT NULL,
  digest_id INTEGER REFERENCES research_digests(id) ON DELETE SET NULL,
  PRIMARY KEY (source, item_key)
) WITHOUT ROWID;
