-- Mail extraction: one row per message seen, whether the extraction succeeded or not.
-- A message is identified by where it sits on the server (account, mailbox, UIDVALIDITY, UID);
-- UIDVALIDITY is TEXT because IMAP gives a 32-bit unsigned value that imapflow hands as a BigInt.
CREATE TABLE mail_extractions (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uidvalidity TEXT NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,                     -- the Message-ID header, untrusted
  content_hash TEXT NOT NULL,          -- SHA-256 hex of the raw source as fetched
  from_name TEXT,
  from_address TEXT,
  subject TEXT,
  sent_at TEXT,                        -- ISO 8601 UTC from the Date header; NULL when missing
  size INTEGER NOT NULL DEFAULT 0,
  oversized INTEGER NOT NULL DEFAULT 0, -- over the size cap: headers only were fetched
  status TEXT NOT NULL CHECK (status IN ('extracted', 'failed')),
  category TEXT,
  summary TEXT,
  extraction TEXT,                     -- JSON of the validated extraction
  error TEXT,                          -- why the extraction failed (status = 'failed')
  model TEXT,
  escalated INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (account, mailbox, uidvalidity, uid)
);
CREATE INDEX mail_extractions_dedupe ON mail_extractions(account, content_hash);
CREATE INDEX mail_extractions_category ON mail_extractions(category, sent_at);

-- Dates and deadlines; `day` is the local date (YYYY-MM-DD) in the user's time zone at extraction.
CREATE TABLE mail_dates (
  id INTEGER PRIMARY KEY,
  extraction_id INTEGER NOT NULL REFERENCES mail_extractions(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  day TEXT NOT NULL,
  what TEXT NOT NULL,
  is_deadline INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mail_dates_day ON mail_dates(day);

CREATE TABLE mail_action_items (
  id INTEGER PRIMARY KEY,
  extraction_id INTEGER NOT NULL REFERENCES mail_extractions(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  due TEXT,
  due_day TEXT,
  done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mail_action_items_due ON mail_action_items(due_day);

CREATE TABLE mail_amounts (
  id INTEGER PRIMARY KEY,
  extraction_id INTEGER NOT NULL REFERENCES mail_extractions(id) ON DELETE CASCADE,
  value REAL NOT NULL,
  currency TEXT NOT NULL,
  what TEXT NOT NULL
);

-- Per account and mailbox: the UIDVALIDITY and the highest UID whose message is stored.
-- Advanced in the same transaction that stores the message.
CREATE TABLE mail_watermarks (
  account TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uidvalidity TEXT NOT NULL,
  last_uid INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, mailbox)
);

-- Full-text search over what a person looks for in the inbox view; rowid = mail_extractions.id.
CREATE VIRTUAL TABLE extractions_fts USING fts5(subject, summary, action_items, tokenize = 'unicode61 remove_diacritics 2');
