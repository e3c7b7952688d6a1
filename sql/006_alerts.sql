-- Version 6: the alert ledger.
--
-- One row per reminder: a deadline (what, item_id, closes_at) and one of
-- the configured offsets before it.  The row makes each reminder go out
-- once however many senders (cron, the daemon) run at once:
--   claimed  a sender holds it until lease_until and has not yet handed
--            the whole message to the server (so the server cannot have
--            accepted it);
--   sending  the whole message was handed over; the server's reply is
--            pending (if the sender dies now the reminder may have been
--            delivered: it is resent with the same Message-ID);
--   sent     the server accepted it (sent_at);
--   failed   the last attempt failed (last_error); retried, the daemon
--            not before retry_at.
-- A claim whose lease ran out belongs to a sender that died; the next
-- sender takes it over.  Instants are UTC epoch seconds.
CREATE TABLE alert_ledger (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	what		TEXT NOT NULL CHECK (what IN ('case', 'hardship')),
	item_id		INTEGER NOT NULL,
	closes_at	INTEGER NOT NULL,	-- the deadline this reminder is for
	offset_secs	INTEGER NOT NULL CHECK (offset_secs > 0),
	message_id	TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
		('claimed', 'sending', 'sent', 'failed')),
	claim_token	TEXT,			-- the sender holding it
	lease_until	INTEGER,
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT,
	retry_at	INTEGER,
	recipients	TEXT,			-- comma-separated, as last tried
	sent_at		TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (what, item_id, closes_at, offset_secs),
	CHECK ((state IN ('claimed', 'sending')) =
	    (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX alert_ledger_state ON alert_ledger (state, retry_at);
