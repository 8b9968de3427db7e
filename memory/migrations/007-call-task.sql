-- What each call was asked to do, as routed: {"kind"?, "text"? (first 300 chars), "tier"? (forced)}.
-- Lets `replay --from-ledger` re-route recorded history under another policy without calling a model.
ALTER TABLE calls ADD COLUMN task TEXT;
