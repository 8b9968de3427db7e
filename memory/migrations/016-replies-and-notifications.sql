-- Replying to the briefing (memory/reply-tokens.ts, memory/mail-replies.ts) and push
-- notifications of urgent items (memory/notifications.ts).

-- One-time tokens printed under each pending proposal of a briefing mail. Only the SHA-256 of
-- a token is kept: the token itself exists in the sent mail alone. A token acts on its own
-- proposal once, before it expires.
CREATE TABLE reply_tokens (
  id INTEGER PRIMARY KEY,
  proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the lower-case token
  run_id INTEGER,                       -- the briefing run that printed it
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  used_by_reply INTEGER                 -- mail_replies.id of the reply that used it
);
CREATE INDEX reply_tokens_proposal ON reply_tokens(proposal_id);

-- Every mail read as a reply to a briefing, acted on or not, kept for the record and for the
-- next briefing. A message is processed once: by where it sits (account, mailbox, UIDVALIDITY,
-- UID) and by its Message-ID (a copy in another folder is not a second reply).
CREATE TABLE mail_replies (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uidvalidity TEXT NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,                      -- untrusted
  from_address TEXT,                    -- untrusted: the From header's address
  subject TEXT,                         -- untrusted
  sent_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('processing', 'done', 'duplicate')),
  outcome TEXT,                         -- JSON: what was done or refused, line by line
  acted INTEGER NOT NULL DEFAULT 0,     -- at least one proposal was decided by it
  created_at TEXT NOT NULL,
  processed_at TEXT,
  UNIQUE (account, mailbox, uidvalidity, uid)
);
CREATE INDEX mail_replies_message_id ON mail_replies(message_id);
CREATE INDEX mail_replies_processed ON mail_replies(processed_at);

-- Per account and mailbox: how far the reply reader has read (separate from the extraction's).
CREATE TABLE reply_watermarks (
  account TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uidvalidity TEXT NOT NULL,
  last_uid INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, mailbox)
);

-- Urgent items already pushed (ntfy): one row per item, so an item is pushed at most once,
-- across restarts and processes.
CREATE TABLE notifications (
  key TEXT PRIMARY KEY,                 -- e.g. proposal:12, run:40, dead-model:gpt-x:2026-12-02T..., budget:7
  channel TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  error TEXT,
  created_at TEXT NOT NULL
);
