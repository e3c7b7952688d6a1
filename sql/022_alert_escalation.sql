-- Version 22: escalations in the alert ledger.
--
-- When a reminder goes unacknowledged for escalate_after, the escalation
-- recipients are told once.  That message goes through the same ledger,
-- so daemon and cron send it exactly once as they do reminders: each row
-- gets a kind, 'reminder' or 'escalation'.  An escalation's offset_secs
-- is the offset of the reminder it escalates; one per deadline.
--
-- SQLite cannot change a table's UNIQUE constraint in place: the ledger
-- and the table that refers to it are rebuilt, keeping every row and id.
ALTER TABLE alert_recipient RENAME TO alert_recipient_v13;
ALTER TABLE alert_ledger RENAME TO alert_ledger_v6;
CREATE TABLE alert_ledger (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	kind		TEXT NOT NULL DEFAULT 'reminder'
		CHECK (kind IN ('reminder', 'escalation')),
	what		TEXT NOT NULL CHECK (what IN ('case', 'hardship')),
	item_id		INTEGER NOT NULL,
	closes_at	INTEGER NOT NULL,	-- the deadline this row is for
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
	UNIQUE (what, item_id, closes_at, offset_secs, kind),
	CHECK ((state IN ('claimed', 'sending')) =
	    (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO alert_ledger (id, kind, what, item_id, closes_at, offset_secs,
	message_id, state, claim_token, lease_until, attempts, last_error,
	retry_at, recipients, sent_at, created_at, updated_at)
SELECT id, 'reminder', what, item_id, closes_at, offset_secs, message_id,
	state, claim_token, lease_until, attempts, last_error, retry_at,
	recipients, sent_at, created_at, updated_at FROM alert_ledger_v6;
CREATE TABLE alert_recipient (
	ledger_id	INTEGER NOT NULL REFERENCES alert_ledger (id),
	address		TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN ('sent', 'refused')),
	attempts	INTEGER NOT NULL DEFAULT 1,
	last_error	TEXT,
	sent_at		TEXT,
	updated_at	TEXT NOT NULL,
	PRIMARY KEY (ledger_id, address),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO alert_recipient SELECT ledger_id, address, state, attempts,
	last_error, sent_at, updated_at FROM alert_recipient_v13;
DROP TABLE alert_recipient_v13;
DROP TABLE alert_ledger_v6;
CREATE INDEX alert_ledger_state ON alert_ledger (state, retry_at);
CREATE UNIQUE INDEX alert_ledger_one_escalation
	ON alert_ledger (what, item_id, closes_at) WHERE kind = 'escalation';
