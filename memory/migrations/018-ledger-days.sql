-- Issue 13/15: the ledger counts days in the owner's time zone (memory/ledger-days.ts). Rows
-- written so far hold UTC days: say so, so that the first router naming another zone moves
-- them. A new database records its zone when the first router opens it.
INSERT INTO kv (key, value, updated_at)
SELECT 'ledger.timeZone', 'UTC', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE EXISTS (SELECT 1 FROM calls)
ON CONFLICT (key) DO NOTHING;

-- No index on started_at: it would cost every call ~25 µs (20% of its settlement, measured) for
-- reads that the owner's `day` column (indexed, and rolled up) now answers.

-- Outcome-driven escalation (skills/escalation.ts) as the ledger sees it, written with the row:
-- checked: 1 on every attempt of a step whose answer a skill checks and escalates a tier up on a
--   failed check (set by the skill through RoutingTask.checked);
-- escalated_from_call: on every attempt of the re-run a tier up, the ledger id of the answer
--   that failed its check. A checked step's answer that no row escalates from passed its check:
--   the bill counts it as an escalation avoided (memory/bill.ts, README "The bill").
ALTER TABLE calls ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN escalated_from_call INTEGER REFERENCES calls(id);
CREATE INDEX calls_checked ON calls(day) WHERE checked = 1 OR escalated_from_call IS NOT NULL;
CREATE INDEX calls_escalated_from ON calls(escalated_from_call) WHERE escalated_from_call IS NOT NULL;

-- Budget leases (memory/budget-lease.ts): a process's standing reservation for its next calls
-- of one day, month, tier and job, resized in place. The running totals follow the change.
CREATE TRIGGER budget_reservations_totals_resize AFTER UPDATE OF amount_usd ON budget_reservations BEGIN
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.day AND scope = 'total' AND name = '';
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.day AND scope = 'tier' AND name = OLD.tier;
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.day AND scope = 'job' AND name = OLD.job AND OLD.job <> '';
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.month AND scope = 'total' AND name = '';
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.month AND scope = 'tier' AND name = OLD.tier;
  UPDATE budget_totals SET reserved_usd = reserved_usd + NEW.amount_usd - OLD.amount_usd WHERE period = OLD.month AND scope = 'job' AND name = OLD.job AND OLD.job <> '';
END;
