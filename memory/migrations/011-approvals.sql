-- Trust: what a write asked for from untrusted content would do, waiting for the owner's
-- decision (memory/approvals.ts), and the origin of every fact (memory/facts.ts).

-- One row per proposed write. Rejected, expired and failed proposals are kept for the record.
CREATE TABLE proposals (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                   -- remember | code-edit | command | mail | calendar | <tool name>
  payload TEXT NOT NULL,                -- JSON: exactly what approving executes
  summary TEXT NOT NULL,                -- one line: what would happen
  reason TEXT NOT NULL,                 -- why it is a proposal and not an action
  job TEXT,                             -- the job whose run asked for it
  run_id INTEGER,
  source_kind TEXT,                     -- mail | calendar | web | feed | market | tool | model
  source_message_id TEXT,               -- the content that caused it (untrusted, shown escaped)
  source_sender TEXT,
  source_url TEXT,
  source_label TEXT,
  preparation TEXT,                     -- JSON: what was prepared to show (for a code edit, the diff and test result)
  dedupe_key TEXT UNIQUE,               -- the same write asked for twice (a retried run) is one proposal
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected', 'expired', 'failed')),
  created_at TEXT NOT NULL,             -- ISO 8601 UTC
  expires_at TEXT,                      -- ISO 8601 UTC; NULL never expires
  decided_by TEXT,
  decided_at TEXT,
  executed_at TEXT,                     -- set once the approved action has run (or failed)
  result TEXT,                          -- JSON of what executing returned
  error TEXT                            -- why executing failed (state = 'failed')
);
CREATE INDEX proposals_state ON proposals(state, created_at);

-- Where a fact came from: the owner (CLI, an approved proposal) or untrusted content (a job
-- whose context held mail, pages, feeds or tool output). Facts kept before this migration by a
-- job cannot be told apart, so they count as untrusted.
ALTER TABLE facts ADD COLUMN origin TEXT NOT NULL DEFAULT 'owner' CHECK (origin IN ('owner', 'untrusted'));
UPDATE facts SET origin = 'untrusted' WHERE source <> 'user';
